using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.EvidenceDiaries;
using Takedown.Domain.Letters;
using Takedown.Domain.Operators;
using Takedown.Domain.PlatformReports;

namespace Takedown.Domain;

/// <summary>
/// Every domain event under the stable name it is stored as. Names never change once events are stored;
/// the CLR type name may.
/// </summary>
public static class DomainEvents
{
    public static IReadOnlyDictionary<string, Type> All { get; } = new Dictionary<string, Type>
    {
        ["case-opened"] = typeof(CaseOpened),
        ["escalation-mode-changed"] = typeof(EscalationModeChanged),
        ["case-closed"] = typeof(CaseClosed),
        ["case-deleted-by-victim"] = typeof(CaseDeletedByVictim),
        ["victim-details-recorded"] = typeof(VictimDetailsRecorded),
        ["authorisation-granted"] = typeof(AuthorisationGranted),
        ["authorisation-revoked"] = typeof(AuthorisationRevoked),

        ["erasure-request-drafted"] = typeof(ErasureRequestDrafted),
        ["erasure-request-approved"] = typeof(ErasureRequestApproved),
        ["erasure-request-sent"] = typeof(ErasureRequestSent),
        ["erasure-request-acknowledged"] = typeof(ErasureRequestAcknowledged),
        ["extension-claimed"] = typeof(ExtensionClaimed),
        ["identity-check-requested"] = typeof(IdentityCheckRequested),
        ["identity-check-answered"] = typeof(IdentityCheckAnswered),
        ["erasure-request-answered"] = typeof(ErasureRequestAnswered),
        ["deadline-missed"] = typeof(DeadlineMissed),
        ["erasure-request-escalated"] = typeof(ErasureRequestEscalated),
        ["erasure-request-withdrawn"] = typeof(ErasureRequestWithdrawn),
        ["erasure-request-closed"] = typeof(ErasureRequestClosed),
        ["reply-received"] = typeof(ReplyReceived),
        ["reply-meaning-confirmed"] = typeof(ReplyMeaningConfirmed),
        ["controller-address-bounced"] = typeof(ControllerAddressBounced),

        ["platform-report-drafted"] = typeof(PlatformReportDrafted),
        ["platform-report-approved"] = typeof(PlatformReportApproved),
        ["platform-report-filed"] = typeof(PlatformReportFiled),
        ["platform-report-filed-by-email"] = typeof(PlatformReportFiledByEmail),
        ["platform-report-acknowledged"] = typeof(PlatformReportAcknowledged),
        ["platform-report-status-changed"] = typeof(PlatformReportStatusChanged),
        ["content-removed"] = typeof(ContentRemoved),
        ["content-restricted"] = typeof(ContentRestricted),
        ["content-removal-refused"] = typeof(ContentRemovalRefused),
        ["response-target-missed"] = typeof(ResponseTargetMissed),
        ["internal-complaint-lodged"] = typeof(InternalComplaintLodged),
        ["internal-complaint-filed"] = typeof(InternalComplaintFiled),
        ["platform-report-closed"] = typeof(PlatformReportClosed),

        ["ap-complaint-prepared"] = typeof(ApComplaintPrepared),
        ["ap-complaint-reviewed"] = typeof(ApComplaintReviewed),
        ["ap-dossier-prepared"] = typeof(ApDossierPrepared),
        ["ap-complaint-lodged"] = typeof(ApComplaintLodged),
        ["ap-decision-received"] = typeof(ApDecisionReceived),
        ["ap-complaint-address-shielding-chosen"] = typeof(ApComplaintAddressShieldingChosen),

        ["letter-prepared"] = typeof(LetterPrepared),
        ["letter-approved"] = typeof(LetterApproved),
        ["letter-sent"] = typeof(LetterSent),
        ["letter-send-failed"] = typeof(LetterSendFailed),
        ["letter-posted"] = typeof(LetterPosted),
        ["letter-attachment-added"] = typeof(LetterAttachmentAdded),

        ["operator-action-recorded"] = typeof(OperatorActionRecorded),
        ["diary-entry-recorded"] = typeof(DiaryEntryRecorded),
    };

    public static string NameOf(Type eventType) =>
        All.FirstOrDefault(kv => kv.Value == eventType).Key
        ?? throw new ArgumentException($"{eventType.Name} is not a registered domain event.", nameof(eventType));
}
