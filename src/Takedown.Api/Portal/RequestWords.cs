using Takedown.Api.Cases;

namespace Takedown.Api.Portal;

/// <summary>A request's state in plain words; a legal term is always followed by what it means.</summary>
public static class RequestWords
{
    public static string Title(GetCaseEndpoint.RequestSummary r, PortalText t)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(t);
        return r.Kind switch
        {
            "erasure" => t.T($"Verzoek om verwijdering aan {r.Counterparty}", $"Erasure request to {r.Counterparty}"),
            "platform" => t.T($"Melding bij {r.Counterparty}", $"Report to {r.Counterparty}"),
            _ => t.T("Klacht bij de Autoriteit Persoonsgegevens (AP, de privacytoezichthouder)", "Complaint to the Dutch Data Protection Authority (AP)"),
        };
    }

    public static string Status(GetCaseEndpoint.RequestSummary r, PortalText t)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(t);
        return (r.Kind, r.Status) switch
        {
            ("erasure", "Drafted") => t.T("Klaar: lees de brief en keur hem goed. Pas daarna versturen wij hem.", "Ready: read the letter and approve it. Only then do we send it."),
            ("erasure", "Approved") => t.T("U hebt de brief goedgekeurd. Wij versturen hem nu.", "You approved the letter. We are sending it now."),
            ("erasure", "Sent") => t.T("Verstuurd. We wachten op het antwoord van de organisatie.", "Sent. We are waiting for the organisation's answer."),
            ("erasure", "Answered") => t.T("De organisatie heeft geantwoord.", "The organisation has answered."),
            ("erasure", "DeadlineMissed") => t.T("De organisatie heeft niet op tijd geantwoord. Wij bereiden een klacht voor bij de Autoriteit Persoonsgegevens (AP), de toezichthouder op de privacywet.",
                "The organisation did not answer in time. We are preparing a complaint to the Dutch Data Protection Authority (AP), which supervises the privacy law."),
            ("erasure", "Escalated") => t.T("Er is een klacht voorbereid bij de Autoriteit Persoonsgegevens (AP), de toezichthouder op de privacywet. Zie de klacht hieronder.",
                "A complaint to the Dutch Data Protection Authority (AP), which supervises the privacy law, has been prepared. See the complaint below."),
            ("ap-complaint", "Prepared" or "Reviewed") => t.T("Voorbereid, nog niet ingediend. De klacht loopt pas als de AP haar heeft ontvangen en bevestigd.",
                "Prepared, not lodged yet. The complaint runs only once the AP has received and confirmed it."),
            ("ap-complaint", "Lodged") => t.T("Ingediend: de AP heeft de klacht ontvangen.", "Lodged: the AP has received the complaint."),
            ("ap-complaint", "Decided") => t.T("De AP heeft over de klacht beslist.", "The AP has decided on the complaint."),
            ("erasure", "Withdrawn") => t.T("Ingetrokken.", "Withdrawn."),
            ("erasure", "Closed") => t.T("Afgerond.", "Closed."),
            ("platform", "Drafted") => t.T("Klaar: lees de melding en keur hem goed. Pas daarna sturen wij hem naar het platform.",
                "Ready: read the report and approve it. Only then do we send it to the platform."),
            ("platform", "Approved") => t.T("U hebt de melding goedgekeurd. Wij sturen hem nu naar het platform.", "You approved the report. We are sending it to the platform now."),
            ("platform", "Filed") => t.T("Gemeld. We wachten op de beslissing van het platform.", "Reported. We are waiting for the platform's decision."),
            ("platform", "Removed") => t.T("Het platform heeft de inhoud verwijderd.", "The platform removed the content."),
            ("platform", "Restricted") => t.T("Het platform heeft de inhoud beperkt (bijvoorbeeld verborgen).", "The platform restricted the content (for example hid it)."),
            ("platform", "Refused") => t.T("Het platform weigert de inhoud te verwijderen. U kunt bezwaar maken bij het platform.", "The platform refuses to remove the content. You can object with the platform."),
            ("platform", "InternalComplaint") => t.T("Bezwaar gemaakt bij het platform. Het platform moet opnieuw beslissen.",
                "Objection lodged with the platform. The platform must decide again."),
            ("platform", "Closed") => t.T("Afgerond.", "Closed."),
            _ => r.Status,
        };
    }

    /// <summary>A turn in the GDPR clock, dated, with what it means for the victim.</summary>
    public static string Clock(ClockStep step, PortalText t)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(t);
        return step.Kind switch
        {
            ClockStepKind.Extended => t.T(
                $"Verlengd door de organisatie op {t.Date(step.On)}{(step.Until is { } due ? ", tot " + t.Date(due) : "")}. De privacywet (AVG) staat dat één keer toe, met hoogstens twee maanden, als de organisatie het binnen de eerste maand laat weten.",
                $"Extended by the organisation on {t.Date(step.On)}{(step.Until is { } dueEn ? ", to " + t.Date(dueEn) : "")}. The privacy law (GDPR) allows this once, by at most two months, if the organisation says so within the first month."),
            ClockStepKind.Paused when step.Until is null => t.T(
                $"Klok stilgezet sinds {t.Date(step.On)}: de organisatie vroeg om uw identiteit te controleren. Zolang die vraag openstaat, telt de termijn niet.",
                $"Clock paused since {t.Date(step.On)}: the organisation asked to verify your identity. While that question is open, the deadline does not run."),
            ClockStepKind.Paused => t.T(
                $"Klok stilgezet op {t.Date(step.On)}: de organisatie vroeg om uw identiteit te controleren.",
                $"Clock paused on {t.Date(step.On)}: the organisation asked to verify your identity."),
            _ => t.T(
                $"Klok loopt weer sinds {t.Date(step.On)}: de vraag naar uw identiteit is beantwoord.",
                $"Clock running again since {t.Date(step.On)}: the question about your identity was answered."),
        };
    }

    /// <summary>
    /// A platform report's state, with what the request list cannot tell: whether an objection (internal complaint,
    /// DSA Art. 20) was lodged, and so whether a refusal or a removal came after it.
    /// </summary>
    public static string PlatformStatus(GetCaseEndpoint.RequestSummary r, Domain.PlatformReports.PlatformReport report, PortalText t)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(t);
        if (report.ComplaintLodgedAt is null)
        {
            return Status(r, t);
        }
        return report.Status switch
        {
            Domain.PlatformReports.PlatformReportStatus.Refused => t.T(
                "Het platform blijft na uw bezwaar bij zijn weigering. U kunt naar de rechter; is het een online platform dat geen micro- of kleine onderneming is, dan kunt u het geschil ook voorleggen aan een erkende geschillenbeslechter (DSA artikelen 19 en 21). Wij helpen u daarbij.",
                "After your objection the platform stands by its refusal. You can go to court; if it is an online platform that is not a micro or small enterprise, you can also take the dispute to a certified out-of-court dispute settlement body (DSA Articles 19 and 21). We will help you with that."),
            Domain.PlatformReports.PlatformReportStatus.Removed => t.T("Na uw bezwaar heeft het platform de inhoud alsnog verwijderd.", "After your objection the platform removed the content after all."),
            Domain.PlatformReports.PlatformReportStatus.Restricted => t.T("Na uw bezwaar heeft het platform de inhoud alsnog beperkt (bijvoorbeeld verborgen).",
                "After your objection the platform restricted the content after all (for example hid it)."),
            _ => Status(r, t),
        };
    }

    public static string? Outcome(string? outcome, PortalText t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return outcome switch
        {
            null => null,
            "Complied" => t.T("De gegevens zijn verwijderd.", "The data was erased."),
            "PartlyComplied" => t.T("Een deel van de gegevens is verwijderd.", "Part of the data was erased."),
            "Refused" => t.T("De organisatie weigert de gegevens te verwijderen.", "The organisation refuses to erase the data."),
            _ => outcome,
        };
    }
}
