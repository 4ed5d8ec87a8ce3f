using System.Text;
using Takedown.Platforms.Webhooks;

using Takedown.Testing;

namespace Takedown.Platforms.Tests.Webhooks;

public sealed class WebhookVerifierTests
{
    // The test vector of the Standard Webhooks reference libraries
    // (standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py, test_sign_function).
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorPayload = "{\"test\": 2432232314}";
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"type\":\"notice.status_changed\",\"data\":{\"ticketId\":\"T-1\",\"status\":\"content_removed\"}}");

    private readonly string _secret = PythonSigner.NewSecret();
    private readonly WebhookVerifier _verifier = new(new ManualClock(Now));

    private static string Stamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Given_reference_vector_When_signed_Then_signature_matches_the_specification()
    {
        WebhookSigner.Sign(WebhookSecret.Parse(VectorSecret), VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorPayload))
            .ShouldBe(VectorSignature);
    }

    [Fact]
    public void Given_reference_vector_When_verified_at_its_time_Then_valid()
    {
        var verifier = new WebhookVerifier(new ManualClock(DateTimeOffset.FromUnixTimeSeconds(VectorTimestamp + 10)));

        verifier.Verify(VectorId, VectorTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), VectorSignature,
            Encoding.UTF8.GetBytes(VectorPayload), [WebhookSecret.Parse(VectorSecret)]).ShouldBe(WebhookVerification.Valid);
    }

    [Fact]
    public void Given_reference_vector_with_bare_base64_secret_When_verified_Then_valid()
    {
        var verifier = new WebhookVerifier(new ManualClock(DateTimeOffset.FromUnixTimeSeconds(VectorTimestamp)));

        verifier.Verify(VectorId, "1614265330", VectorSignature, Encoding.UTF8.GetBytes(VectorPayload),
            [WebhookSecret.Parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]).ShouldBe(WebhookVerification.Valid);
    }

    [Fact]
    public void Given_reference_multi_signature_vector_When_verified_Then_the_one_valid_v1_among_others_passes_and_a_flipped_bit_fails()
    {
        // libraries/python/tests/test_webhooks.py: test_multi_sig_payload_is_valid and test_invalid_signature_raises_error.
        var verifier = new WebhookVerifier(new ManualClock(DateTimeOffset.FromUnixTimeSeconds(VectorTimestamp)));
        var header = string.Join(' ', "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            VectorSignature, "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");
        bool Valid(string signature) => verifier.Verify(VectorId, "1614265330", signature, Encoding.UTF8.GetBytes(VectorPayload),
            [WebhookSecret.Parse(VectorSecret)]) == WebhookVerification.Valid;

        Valid(header).ShouldBeTrue();
        Valid("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=").ShouldBeFalse();
    }

    [Fact]
    public void Given_the_StandardWebhooks_package_as_a_second_implementation_When_both_sign_and_verify_Then_they_agree()
    {
        // The package checks timestamps against the real clock, so this delivery is stamped now.
        var now = DateTimeOffset.UtcNow;
        var package = new StandardWebhooks.StandardWebhook(_secret);
        var ours = WebhookSigner.Sign(WebhookSecret.Parse(_secret), "msg_pkg", now.ToUnixTimeSeconds(), Body);

        package.Sign("msg_pkg", now, Encoding.UTF8.GetString(Body)).ShouldBe(ours);
        Should.NotThrow(() => package.Verify(Encoding.UTF8.GetString(Body), PackageHeaders("msg_pkg", now, ours)));
        new WebhookVerifier(TimeProvider.System).Verify(PackageHeaders("msg_pkg", now, ours), Body, [WebhookSecret.Parse(_secret)])
            .ShouldBe(WebhookVerification.Valid);
    }

    [Fact]
    public void Given_a_rotation_header_whose_last_signature_is_the_receivers_When_the_StandardWebhooks_package_verifies_Then_it_refuses_where_ours_accepts()
    {
        // Why our verifier stays (docs/webhooks.md): StandardWebhooks 1.1.2 never matches the last of several
        // signatures, which is where a sender signing with [old, new] puts the signature of the new secret.
        var now = DateTimeOffset.UtcNow;
        var old = PythonSigner.NewSecret();
        var header = WebhookSigner.Sign([WebhookSecret.Parse(old), WebhookSecret.Parse(_secret)], "msg_rot", now.ToUnixTimeSeconds(), Body);

        new WebhookVerifier(TimeProvider.System).Verify(PackageHeaders("msg_rot", now, header), Body, [WebhookSecret.Parse(_secret)])
            .ShouldBe(WebhookVerification.Valid);
        Should.Throw<StandardWebhooks.Diagnostics.WebhookVerificationException>(
            () => new StandardWebhooks.StandardWebhook(_secret).Verify(Encoding.UTF8.GetString(Body), PackageHeaders("msg_rot", now, header)));
        Should.NotThrow(() => new StandardWebhooks.StandardWebhook(old).Verify(Encoding.UTF8.GetString(Body), PackageHeaders("msg_rot", now, header)));
    }

    private static Microsoft.AspNetCore.Http.HeaderDictionary PackageHeaders(string id, DateTimeOffset at, string signature) => new()
    {
        [WebhookHeaders.Id] = id,
        [WebhookHeaders.Timestamp] = Stamp(at),
        [WebhookHeaders.Signature] = signature,
    };

    [Fact]
    public void Given_signature_made_by_python_When_verified_Then_valid()
    {
        var signature = PythonSigner.Sign("msg_1", Now.ToUnixTimeSeconds(), Body, _secret);

        _verifier.Verify("msg_1", Stamp(Now), signature, Body, [WebhookSecret.Parse(_secret)]).ShouldBe(WebhookVerification.Valid);
    }

    [Fact]
    public void Given_our_signature_When_python_signs_the_same_Then_both_agree()
    {
        var ours = WebhookSigner.Sign(WebhookSecret.Parse(_secret), "msg_2", Now.ToUnixTimeSeconds(), Body);

        ours.ShouldBe(PythonSigner.Sign("msg_2", Now.ToUnixTimeSeconds(), Body, _secret));
    }

    [Fact]
    public void Given_rotation_with_two_signatures_When_receiver_knows_either_secret_Then_valid()
    {
        var old = PythonSigner.NewSecret();
        var signature = PythonSigner.Sign("msg_3", Now.ToUnixTimeSeconds(), Body, old, _secret);
        signature.Split(' ').Length.ShouldBe(2);

        _verifier.Verify("msg_3", Stamp(Now), signature, Body, [WebhookSecret.Parse(old)]).ShouldBe(WebhookVerification.Valid);
        _verifier.Verify("msg_3", Stamp(Now), signature, Body, [WebhookSecret.Parse(_secret)]).ShouldBe(WebhookVerification.Valid);
        _verifier.Verify("msg_3", Stamp(Now), signature, Body, [WebhookSecret.Parse(PythonSigner.NewSecret())])
            .ShouldBe(WebhookVerification.BadSignature);
    }

    [Fact]
    public void Given_sender_still_on_old_secret_When_receiver_holds_old_and_new_Then_valid()
    {
        var old = PythonSigner.NewSecret();
        var signature = PythonSigner.Sign("msg_4", Now.ToUnixTimeSeconds(), Body, old);

        _verifier.Verify("msg_4", Stamp(Now), signature, Body, [WebhookSecret.Parse(_secret), WebhookSecret.Parse(old)])
            .ShouldBe(WebhookVerification.Valid);
    }

    [Fact]
    public void Given_unknown_schemes_beside_a_valid_v1_When_verified_Then_valid()
    {
        var valid = PythonSigner.Sign("msg_5", Now.ToUnixTimeSeconds(), Body, _secret);
        var header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + valid + " v1,not-base64!";

        _verifier.Verify("msg_5", Stamp(Now), header, Body, [WebhookSecret.Parse(_secret)]).ShouldBe(WebhookVerification.Valid);
    }

    [Fact]
    public void Given_valid_signature_under_another_scheme_name_When_verified_Then_bad_signature()
    {
        var valid = PythonSigner.Sign("msg_6", Now.ToUnixTimeSeconds(), Body, _secret);

        _verifier.Verify("msg_6", Stamp(Now), "v2," + valid[3..], Body, [WebhookSecret.Parse(_secret)])
            .ShouldBe(WebhookVerification.BadSignature);
    }

    [Theory]
    [InlineData(-300, WebhookVerification.Valid)]
    [InlineData(-301, WebhookVerification.TooOld)]
    [InlineData(300, WebhookVerification.Valid)]
    [InlineData(301, WebhookVerification.TooNew)]
    [InlineData(-86_400, WebhookVerification.TooOld)]
    public void Given_clock_skew_When_verified_Then_five_minutes_either_way_are_allowed(int skewSeconds, WebhookVerification expected)
    {
        var sentAt = Now.AddSeconds(skewSeconds);
        var signature = PythonSigner.Sign("msg_7", sentAt.ToUnixTimeSeconds(), Body, _secret);

        _verifier.Verify("msg_7", Stamp(sentAt), signature, Body, [WebhookSecret.Parse(_secret)]).ShouldBe(expected);
    }

    [Fact]
    public void Given_tampered_body_When_verified_Then_bad_signature()
    {
        var signature = PythonSigner.Sign("msg_8", Now.ToUnixTimeSeconds(), Body, _secret);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("content_removed", "refused", StringComparison.Ordinal));

        _verifier.Verify("msg_8", Stamp(Now), signature, tampered, [WebhookSecret.Parse(_secret)]).ShouldBe(WebhookVerification.BadSignature);
    }

    [Fact]
    public void Given_tampered_id_When_verified_Then_bad_signature()
    {
        var signature = PythonSigner.Sign("msg_9", Now.ToUnixTimeSeconds(), Body, _secret);

        _verifier.Verify("msg_10", Stamp(Now), signature, Body, [WebhookSecret.Parse(_secret)]).ShouldBe(WebhookVerification.BadSignature);
    }

    [Fact]
    public void Given_tampered_timestamp_within_tolerance_When_verified_Then_bad_signature()
    {
        var signature = PythonSigner.Sign("msg_11", Now.ToUnixTimeSeconds(), Body, _secret);

        _verifier.Verify("msg_11", Stamp(Now.AddSeconds(1)), signature, Body, [WebhookSecret.Parse(_secret)])
            .ShouldBe(WebhookVerification.BadSignature);
    }

    [Theory]
    [InlineData(null, "1760000000", "v1,abc")]
    [InlineData("msg", null, "v1,abc")]
    [InlineData("msg", "1760000000", null)]
    [InlineData("", "1760000000", "v1,abc")]
    public void Given_missing_header_When_verified_Then_missing_headers(string? id, string? timestamp, string? signature)
    {
        _verifier.Verify(id, timestamp, signature, Body, [WebhookSecret.Parse(_secret)]).ShouldBe(WebhookVerification.MissingHeaders);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("-1760000000")]
    [InlineData("1760000000.5")]
    [InlineData("99999999999999999999999")]
    public void Given_unreadable_timestamp_When_verified_Then_bad_timestamp(string timestamp)
    {
        _verifier.Verify("msg", timestamp, "v1,abc", Body, [WebhookSecret.Parse(_secret)]).ShouldBe(WebhookVerification.BadTimestamp);
    }

    [Fact]
    public void Given_same_delivery_twice_When_verified_Then_both_valid_because_replay_is_the_callers_check()
    {
        // The verifier is stateless by design (see its remarks): the receiver stores webhook-id in the transaction
        // that applies the update and acknowledges a repeat without applying it.
        var signature = PythonSigner.Sign("msg_12", Now.ToUnixTimeSeconds(), Body, _secret);

        _verifier.Verify("msg_12", Stamp(Now), signature, Body, [WebhookSecret.Parse(_secret)]).ShouldBe(WebhookVerification.Valid);
        _verifier.Verify("msg_12", Stamp(Now), signature, Body, [WebhookSecret.Parse(_secret)]).ShouldBe(WebhookVerification.Valid);
    }

    [Theory]
    [InlineData("whsec_not base64")]
    [InlineData("whsec_c2hvcnQ=")]
    public void Given_malformed_secret_When_parsed_Then_refused(string secret)
    {
        Should.Throw<FormatException>(() => WebhookSecret.Parse(secret));
    }

    [Fact]
    public void Given_secret_When_printed_Then_key_is_hidden()
    {
        var secret = WebhookSecret.Parse(_secret);

        secret.ToString().ShouldBe("whsec_***");
        secret.Export().ShouldBe(_secret);
    }
}

public sealed class NoticeStatusWebhookTests
{
    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"type\":\"notice.status_changed\"}")]
    [InlineData("{\"type\":\"notice.status_changed\",\"data\":{\"ticketId\":1,\"status\":\"refused\"}}")]
    public void Given_unusable_body_When_parsed_Then_false(string body)
    {
        NoticeStatusWebhook.TryParse(System.Text.Encoding.UTF8.GetBytes(body), out var update).ShouldBeFalse();
        update.ShouldBeNull();
    }

    [Fact]
    public void Given_refusal_When_parsed_Then_state_and_reasons()
    {
        var body = "{\"type\":\"notice.status_changed\",\"data\":{\"ticketId\":\"T-9\",\"status\":\"refused\",\"statementOfReasons\":\"No.\",\"updatedAt\":\"2026-01-02T03:04:05+00:00\"}}";

        NoticeStatusWebhook.TryParse(System.Text.Encoding.UTF8.GetBytes(body), out var update).ShouldBeTrue();

        update.ShouldBe(new NoticeStatusWebhook("notice.status_changed", "T-9", null, Takedown.Platforms.Notices.NoticeState.Refused, "No.",
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
    }
}
