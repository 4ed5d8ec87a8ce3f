using System.Net.Security;

namespace Takedown.Letters.Sending;

/// <summary>How the connection to the SMTP relay is secured (<c>Mail:TlsMode</c>).</summary>
public enum MailTlsMode
{
    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (submission, port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (implicit TLS, "SMTPS", port 465).</summary>
    Implicit,

    /// <summary>No TLS: only for a relay on the same host or network (a local Mailpit, the tests' server).</summary>
    None,
}

/// <summary>
/// Outgoing mail settings per environment, shared by letters and sign-in links. With <see cref="PickupDirectory"/> set
/// (the local default), messages are written as .eml files to that folder instead of being sent. Otherwise they go to
/// <see cref="Host"/> over TLS (<see cref="TlsMode"/>) with authentication when <see cref="UserName"/> is set.
/// </summary>
public sealed record MailOptions
{
    public string? Host { get; init; }

    /// <summary>The relay's port; by default 465 with <see cref="MailTlsMode.Implicit"/>, else 587.</summary>
    public int? Port { get; init; }

    public MailTlsMode TlsMode { get; init; } = MailTlsMode.StartTls;

    public string? UserName { get; init; }

    public string? Password { get; init; }

    /// <summary>The service's own address; letters never go out from the victim's mailbox.</summary>
    public required string FromAddress { get; init; }

    public string FromDisplayName { get; init; } = "Takedown";

    /// <summary>The domain in Message-IDs; defaults to the domain of <see cref="FromAddress"/>.</summary>
    public string? MessageIdDomain { get; init; }

    public string? PickupDirectory { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Signs every message with DKIM when set.</summary>
    public DkimOptions? Dkim { get; init; }

    /// <summary>
    /// Replaces the system's validation of the relay's TLS certificate, e.g. to pin the certificate of a relay inside
    /// the installation. Not bound from configuration: without it the system's trust store decides.
    /// </summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    public int EffectivePort => Port ?? (TlsMode == MailTlsMode.Implicit ? 465 : 587);

    /// <summary>The settings without the password and the DKIM key, safe to print.</summary>
    public override string ToString() =>
        $"MailOptions {{ Host = {Host}, Port = {EffectivePort}, TlsMode = {TlsMode}, UserName = {UserName}, FromAddress = {FromAddress}, PickupDirectory = {PickupDirectory}, Dkim = {Dkim} }}";
}

/// <summary>
/// DKIM signing (RFC 6376) with an RSA key: <see cref="Domain"/> is the signing domain (d=), normally the domain of the
/// From address, <see cref="Selector"/> (s=) names the DNS record <c>{selector}._domainkey.{domain}</c> that publishes
/// the public key, and <see cref="PrivateKeyPem"/> is the private key in PEM (PKCS#1 or PKCS#8, unencrypted), from
/// configuration or a secret store, never from the repository.
/// </summary>
public sealed record DkimOptions(string Domain, string Selector, string PrivateKeyPem)
{
    /// <summary>Everything but the key, which must never be printed or logged.</summary>
    public override string ToString() => $"DkimOptions {{ Domain = {Domain}, Selector = {Selector} }}";
}
