using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Takedown.Api.Infrastructure;

/// <summary>
/// What the served OpenAPI document promises partners beyond the endpoints' own metadata: a description and an
/// example per operation, the 403 every scoped operation can answer, and the bearer key scheme. The contract tests
/// check the document against real responses.
/// </summary>
public static class OpenApiContract
{
    private const string CaseId = "01936f0e-8c1a-7a4b-9d2e-5f3c1b2a4d6e";
    private const string RequestId = "01936f0e-9d2b-7c5d-8e3f-6a4d2c3b5e7f";
    private const string ComplaintId = "5b1e2c3d-4f5a-5b6c-8d7e-9f0a1b2c3d4e";
    private const string LetterId = "01936f0e-a1b2-7c3d-9e4f-5a6b7c8d9e0f";

    /// <summary>The terms partners use the API under.</summary>
    private const string License = "Proprietary: for integrations under their agreement with the operator of this service";

    private sealed record Example(string Description, string? Request, string? Response);

    private static readonly Dictionary<string, Example> Examples = new()
    {
        ["OpenCase"] = new(
            "Opens a case for one victim. The integration that opens it is its owner: only it can read the case and add requests. " +
            "Keep the returned id; the reference is what the victim reads out on the phone.",
            """{ "victimName": "Sanne de Vries", "victimEmail": "sanne@example.org", "language": "nl", "escalationMode": "OperatorReview" }""",
            $$"""{ "id": "{{CaseId}}", "reference": "TD-7K3M9QXA" }"""),
        ["GetCase"] = new(
            "The case's state and each request's current deadline, computed by the deadline engine (Dutch public holidays, " +
            "GDPR Art. 12(3)), with an explanation in Dutch and English.",
            null,
            $$"""
            { "id": "{{CaseId}}", "reference": "TD-7K3M9QXA", "language": "nl", "status": "Open", "escalationMode": "OperatorReview",
              "openedAt": "2026-01-05T09:12:00+00:00",
              "requests": [ { "id": "{{RequestId}}", "kind": "erasure", "status": "Sent", "counterparty": "Voorbeeld Media B.V.",
                "category": null, "openedAt": "2026-01-05T09:15:00+00:00", "sentAt": "2026-01-06T10:00:00+00:00", "answeredAt": null,
                "outcome": null,
                "deadline": { "kind": "gdpr-answer", "dueDate": "2026-02-06", "dueAt": "2026-02-06T22:59:59+00:00",
                  "explanationNl": "Het antwoord moet uiterlijk op 6 februari 2026 binnen zijn (AVG art. 12 lid 3).",
                  "explanationEn": "The answer is due by 6 February 2026 (GDPR Art. 12(3))." } } ] }
            """),
        ["DraftErasureRequest"] = new(
            "Drafts a GDPR Art. 17 erasure request to a data controller. Nothing is sent until the victim approves it. " +
            "Letters to the controller are written in controllerLanguage (\"nl\" or \"en\"; when left out, Dutch for a Dutch controller, " +
            "English for any other); notices to the victim stay in the case's language. kind is Erasure (when left out) or Delisting: " +
            "a delisting request asks a search engine to remove the urls from the results of searches on the victim's name (GDPR " +
            "Art. 17(1)(c) with 21(1); CJEU C-131/12 Google Spain, C-136/17 GC and Others); the page stays, its answer is due in the " +
            "same GDPR Art. 12(3) month, and its letter is the delisting letter.",
            """
            { "controllerName": "Voorbeeld Media B.V.", "controllerEmail": "privacy@voorbeeldmedia.example", "controllerCountry": "NL",
              "controllerLanguage": "nl", "kind": "Erasure", "personalData": ["home address", "phone number"],
              "urls": ["https://voorbeeldmedia.example/forum/t/12345"] }
            """,
            $$"""{ "id": "{{RequestId}}", "letterId": "{{LetterId}}" }"""),
        ["GetErasureRequest"] = new(
            "An erasure request, its answer deadline (and the extension window while the controller may still claim one) and its timeline.",
            null, null),
        ["GetErasureLetter"] = new(
            "The letter to the controller exactly as it will be sent: show it to the victim, then approve it with its SHA-256.",
            null,
            $$"""
            { "letterId": "{{LetterId}}", "status": "Prepared", "language": "nl",
              "subject": "Verzoek tot verwijdering van persoonsgegevens (AVG art. 17)",
              "plainText": "Geachte heer, mevrouw,\n\nHierbij verzoek ik u ...", "html": "<p>Geachte heer, mevrouw,</p>",
              "contentSha256": "9f2c4d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e", "preparedAt": "2026-01-05T09:15:00+00:00" }
            """),
        ["GetErasureLetterPdf"] = new(
            "The same letter as a PDF, for print and registered post.",
            null, null),
        ["ApproveErasureRequest"] = new(
            "The victim approves the letter they were shown (its SHA-256 from GET …/letter); it is then sent and the deadline " +
            "starts when the controller received it. A different hash is refused: the text changed since it was shown.",
            """{ "contentSha256": "9f2c4d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e" }""",
            null),
        ["DraftPlatformReport"] = new(
            "Drafts a DSA Art. 16 notice to a hosting platform. The platform must be one of the platform registry's names (another " +
            "name is a 400 problem naming `platform`: a notice to it would reach nobody). The notice must name the exact URLs, " +
            "explain why the content is unlawful and carry the good-faith statement. notifier says who the notice names (DSA Art. 16(2)(c)): " +
            "Victim (the default; give notifierName and notifierEmail) or Service (leave both out: the notice names the service and a " +
            "reply address of this report, so the victim's name and e-mail address are not in it). Nothing is filed yet: read the notice (GET …/notice), show it to the " +
            "victim with the publication warning, and approve it (POST …/approve). For a platform that takes notices by e-mail " +
            "only, the notice is a letter, prepared now.",
            """
            { "platform": "ExampleTube", "urls": ["https://exampletube.example/watch?v=abc123"], "category": "Doxing",
              "explanation": "The video shows the home address and phone number of the person on whose behalf we report (Sr art. 285d).",
              "notifier": "Service", "goodFaithStatement": true }
            """,
            $$"""{ "id": "{{RequestId}}" }"""),
        ["GetPlatformReport"] = new(
            "A platform report, how its notice goes (api or email), its response target and, after a refusal, the window for the " +
            "internal complaint (DSA Art. 20) until one is lodged.",
            null, null),
        ["GetPlatformNotice"] = new(
            "The notice exactly as it will be sent, its SHA-256 and the warning to give the victim before approval, in Dutch and " +
            "English. Channel api: the fields in content are what the platform's report API receives. Channel email: the subject " +
            "and plainText are the letter that goes to emailTo; content lists what it contains.",
            null,
            $$"""
            { "reportId": "{{RequestId}}", "status": "Drafted", "awaitsApproval": true, "platform": "ExampleTube", "channel": "api",
              "content": { "reference": "01936f0e9d2b7c5d8e3f6a4d2c3b5e7f", "urls": ["https://exampletube.example/watch?v=abc123"],
                "category": "Doxing", "explanation": "The video shows my home address and phone number (Sr art. 285d).",
                "notifierName": "Takedown", "notifierEmail": "replies+ab3kq7x2mzf4dtp5wyc6rn8eia.k2m4x7q9b3d5f6h8j2l4@takedown.example",
                "goodFaithStatement": "I confirm my bona fide belief that the information and allegations contained in this notice are accurate and complete." },
              "emailTo": null, "language": null, "subject": null, "plainText": null,
              "contentSha256": "3b7e4c1d9a8f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d",
              "publicationWarningNl": "Platforms kunnen meldingen die zij ontvangen openbaar maken, bijvoorbeeld in de Lumen-database (lumendatabase.org). …",
              "publicationWarningEn": "Platforms may publish notices they receive, for example in the Lumen database (lumendatabase.org). …" }
            """),
        ["ApprovePlatformReport"] = new(
            "Approves the notice on the victim's behalf, exactly as shown (its SHA-256 from GET …/notice); only then is it filed " +
            "with the platform's report API, or sent as a letter to a platform that takes notices by e-mail only. " +
            "Before approving, tell the victim: \"" + Platforms.Notices.DsaNoticeCheck.PublicationWarningEn + "\" (Dutch: \"" +
            Platforms.Notices.DsaNoticeCheck.PublicationWarningNl + "\") and send victimInformedOfPublication: true. " +
            "A different hash is refused (409): the notice changed since it was shown. Approving again changes nothing.",
            """{ "contentSha256": "3b7e4c1d9a8f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d", "victimInformedOfPublication": true }""",
            null),
        ["LodgeInternalComplaint"] = new(
            "After the platform refused to act, the victim may contest the decision with the platform's internal complaint system " +
            "(DSA Art. 20) until the window in GET …/{id} (internalComplaintWindow) ends: at least six months. The complaint is " +
            "filed with the platform's report API; its new decision arrives as a status update (platform_report.content_removed " +
            "or platform_report.refused). Refused (409) before a refusal, after the window, after a complaint was already decided, " +
            "and for a platform that takes notices by e-mail only.",
            """{ "grounds": "The video shows my home address; publishing it to intimidate me is doxing (Sr art. 285d), not news." }""",
            null),
        ["OpenApComplaint"] = new(
            "Opens the complaint to the Autoriteit Persoonsgegevens (GDPR Art. 77) for an erasure request the controller refused " +
            "(or complied with in part) or did not answer in time; an overdue request is recorded as missed and the victim is told. " +
            "The complaint is prepared with its dossier, not lodged: the AP takes complaints through its complaint form or by post, so the victim " +
            "(portal) or an operator lodges it and records the AP's confirmation; under operator review an operator checks the text first. " +
            "Each request has one complaint: asking again answers 200 with the same id (also when the deadline check opened it). " +
            "A request that is neither refused nor overdue is a 409 problem.",
            null,
            $$"""{ "id": "{{ComplaintId}}", "erasureRequestId": "{{RequestId}}" }"""),
        ["GetApComplaint"] = new(
            "An AP complaint: its status, the AP's confirmation or reference number and the day the AP received it once lodged, and " +
            "the AP's three months to report progress (GDPR Art. 78(2)), from that day, with an explanation in Dutch and English.",
            null,
            $$"""
            { "id": "{{ComplaintId}}", "caseId": "{{CaseId}}", "erasureRequestId": "{{RequestId}}", "status": "Lodged",
              "apReference": "AP-2026-004211", "lodgedAt": "2026-02-10T10:30:00+00:00", "decision": null,
              "progressDeadline": { "kind": "ap-progress", "dueDate": "2026-05-11", "dueAt": "2026-05-11T21:59:59+00:00",
                "explanationNl": "De AP moet binnen drie maanden na de klacht van 10 februari 2026 laten weten hoe het ermee staat (AVG art. 78 lid 2): 10 mei 2026.",
                "explanationEn": "The AP must report progress within three months of the complaint of 10 February 2026 (GDPR Art. 78(2)): 10 May 2026." },
              "timeline": [ { "event": "ap-complaint-prepared", "at": "2026-02-07T09:00:00+00:00" },
                { "event": "ap-dossier-prepared", "at": "2026-02-07T09:00:00+00:00" },
                { "event": "ap-complaint-reviewed", "at": "2026-02-09T14:12:00+00:00" },
                { "event": "ap-complaint-lodged", "at": "2026-02-10T10:30:00+00:00" } ],
              "lodgedOn": "2026-02-10" }
            """),
        ["ExportCase"] = new(
            "Everything held about the case, decrypted: every stream of the case (the case, its requests, reports, letters and " +
            "complaints) with its events in order (GDPR Art. 15 access and Art. 20 portability).",
            null, null),
        ["ExportCasePdf"] = new(
            "The same export as a PDF the victim can read and keep.",
            null, null),
        ["EraseCase"] = new(
            "Erases the case for good (GDPR Art. 17): its key is destroyed, so the personal data in every event becomes unreadable, " +
            "and its rows in every list and queue are removed. The history of what was done stays, without whom it was done for. " +
            "Afterwards the case answers 404.",
            null, null),
        ["CreateWebhookSubscription"] = new(
            "Subscribes an https URL to status changes of your cases (erasure request sent, answered, deadline missed, escalated; " +
            "platform report filed, removed, refused, internal complaint lodged; AP complaint lodged). Deliveries are signed as Standard Webhooks " +
            "(webhook-id, webhook-timestamp, webhook-signature) with the returned secret, which is shown only once. " +
            "Payloads carry ids, kinds, statuses and dates, never personal data. Needs the webhooks:manage scope.",
            """{ "url": "https://partner.example/hooks/takedown", "eventTypes": ["erasure_request.sent", "erasure_request.deadline_missed"] }""",
            null),
        ["ListWebhookSubscriptions"] = new("Your integration's subscriptions, active or disabled after failing deliveries.", null, null),
        ["ListWebhookDeliveries"] = new(
            "The delivery log of one subscription, newest first: each attempt's status code or error. A subscription is disabled " +
            "after repeated dead deliveries or a 410 Gone.", null, null),
        ["EnableWebhookSubscription"] = new("Turns a disabled subscription back on once your endpoint works again.", null, null),
        ["DeleteWebhookSubscription"] = new("Removes a subscription and its delivery log.", null, null),
    };

    /// <summary>The document's tags, one per resource, in the order a partner meets them, and the operations under each.</summary>
    private static readonly (string Name, string Description, string[] Operations)[] Tags =
    [
        ("Cases", "A victim's case: who the takedowns are for, in which language, and what happens when a deadline is missed.",
            ["OpenCase", "GetCase"]),
        ("Erasure requests", "GDPR Art. 17 requests to data controllers: the letter, the victim's approval, and the answer deadline (Art. 12(3)).",
            ["DraftErasureRequest", "GetErasureRequest", "GetErasureLetter", "GetErasureLetterPdf", "ApproveErasureRequest"]),
        ("Platform reports", "DSA Art. 16 notices to hosting platforms, their approval and filing, and the internal complaint after a refusal (Art. 20).",
            ["DraftPlatformReport", "GetPlatformReport", "GetPlatformNotice", "ApprovePlatformReport", "LodgeInternalComplaint"]),
        ("AP complaints", "Complaints to the Autoriteit Persoonsgegevens (GDPR Art. 77) when a controller refuses or misses its deadline.",
            ["OpenApComplaint", "GetApComplaint"]),
        ("Privacy", "The victim's rights over the case itself: everything held about it (GDPR Art. 15, 20), and erasing it for good (Art. 17).",
            ["ExportCase", "ExportCasePdf", "EraseCase"]),
        ("Webhook subscriptions", "Signed notifications (Standard Webhooks) to your endpoint when your cases' requests change.",
            ["CreateWebhookSubscription", "ListWebhookSubscriptions", "ListWebhookDeliveries", "EnableWebhookSubscription", "DeleteWebhookSubscription"]),
    ];

    /// <summary>
    /// String fields that take a fixed set of values, checked exactly (ordinally) by their endpoints: the document lists
    /// those values as the field's enum, as it does for the enum-typed fields (<see cref="StrictEnumSchemas"/>).
    /// </summary>
    private static readonly Dictionary<(Type Type, string Property), IReadOnlyList<string>> ClosedSets = new()
    {
        [(typeof(Cases.OpenCaseEndpoint.OpenCaseRequest), "language")] = ["nl", "en"],
        [(typeof(ErasureRequests.DraftErasureRequestEndpoint.DraftErasureRequestRequest), "controllerLanguage")] = Domain.ErasureRequests.ErasureRequest.ControllerLanguages,
        [(typeof(Webhooks.WebhookSubscriptionsEndpoints.CreateSubscriptionRequest), "eventTypes")] = Application.Webhooks.OutgoingWebhookEvents.All,
    };

    /// <summary>Adds the contract's descriptions, examples, 403 responses and security scheme to the document.</summary>
    public static OpenApiOptions AddContract(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddSchemaTransformer((schema, context, _) =>
        {
            foreach (var ((type, property), values) in ClosedSets)
            {
                if (context.JsonTypeInfo.Type == type && schema.Properties is { } properties
                    && properties.TryGetValue(property, out var value) && value is OpenApiSchema field)
                {
                    // A list takes each of the values; a single field may also be null (left out), as its type says.
                    var target = field.Items as OpenApiSchema ?? field;
                    target.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v)), .. target == field ? [null!] : Array.Empty<JsonNode>()];
                }
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The API key of your integration, per integration and scoped (cases:read, cases:write, webhooks:manage).",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] });
            // Relative to where the document is served: the paths carry the version prefix, and an absolute address
            // would be whatever host name the request that fetched the document happened to use.
            document.Servers = [new OpenApiServer { Url = "/", Description = "The host that serves this document." }];
            // Not an open licence: "LicenseRef-" is SPDX's form for terms of one's own.
            document.Info.License = new OpenApiLicense { Name = License, Identifier = "LicenseRef-Takedown-Partner-Terms" };
            // Tags by resource, each described, instead of one per endpoint class.
            var tagOf = Tags.SelectMany(t => t.Operations.Select(o => (Operation: o, t.Name))).ToDictionary(t => t.Operation, t => t.Name);
            foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
            {
                operation.Tags = operation.OperationId is { } id && tagOf.TryGetValue(id, out var tag)
                    ? new HashSet<OpenApiTagReference> { new(tag, document) }
                    : null;
            }
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses is { } responses && responses.TryGetValue("401", out var unauthorized)
                && unauthorized.Content is { } problemContent && !responses.ContainsKey("403"))
            {
                responses["403"] = new OpenApiResponse
                {
                    Description = "The API key lacks the scope this operation needs.",
                    Content = problemContent.ToDictionary(c => c.Key, c => new OpenApiMediaType { Schema = c.Value.Schema }),
                };
            }
            if (operation.Responses is { } withLimit && withLimit.TryGetValue("429", out var tooMany) && tooMany is OpenApiResponse limited)
            {
                limited.Description = "Over the rate limit of your API key; try again after the seconds in Retry-After.";
                limited.Headers ??= new Dictionary<string, IOpenApiHeader>();
                limited.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before the next call.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                };
            }
            if (operation.OperationId is "OpenCase" or "DraftErasureRequest" or "DraftPlatformReport")
            {
                if (operation.Responses is { } created && created.TryGetValue("201", out var first) && first is OpenApiResponse createdResponse)
                {
                    createdResponse.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    createdResponse.Headers[Idempotency.ReplayedHeader] = new OpenApiHeader
                    {
                        Description = "\"true\" when this is the answer of an earlier call with the same Idempotency-Key: nothing new was created.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    };
                }
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = Idempotency.Header,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = Idempotency.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Idempotency.MaxLength },
                });
            }
            if (operation.OperationId is not { } id || !Examples.TryGetValue(id, out var example))
            {
                return Task.CompletedTask;
            }
            operation.Description = example.Description;
            if (example.Request is { } request && operation.RequestBody?.Content is { } body && body.TryGetValue("application/json", out var requestMedia))
            {
                requestMedia.Example = JsonNode.Parse(request);
            }
            if (example.Response is { } response && operation.Responses is { } all)
            {
                foreach (var (status, value) in all.Where(r => r.Key.StartsWith('2')))
                {
                    if (value.Content is { } content && content.TryGetValue("application/json", out var media))
                    {
                        media.Example = JsonNode.Parse(response);
                    }
                }
            }
            return Task.CompletedTask;
        });
        return options;
    }
}
