namespace Takedown.Letters.Composing;

/// <summary>
/// Turns a letter model into its final text in the recipient's language. Pure and deterministic: the same model
/// gives byte-identical text and the same hash, so the text the victim approved is the text that is sent.
/// The legal wording is reviewed against the sources in docs/sources (see docs/letters.md).
/// </summary>
public static class LetterComposer
{
    public static ComposedLetter Compose(LetterModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Validate(model);
        var language = model.Recipient.Language;
        var (subject, document) = model switch
        {
            ErasureLetterModel { Delisting: true } m => Delisting(m, new Words(language)),
            ErasureLetterModel m => Erasure(m, new Words(language)),
            DeadlineReminderModel m => Reminder(m, new Words(language)),
            ApComplaintDossierModel m => ApComplaint(m, new Words(language)),
            CeaseAndDesistModel m => CeaseAndDesist(m, new Words(language)),
            VictimNoticeSentModel m => NoticeSent(m, new Words(language)),
            VictimNoticeAnsweredModel m => NoticeAnswered(m, new Words(language)),
            VictimNoticeDeadlineMissedModel m => NoticeDeadlineMissed(m, new Words(language)),
            VictimNoticeReminderWaitingModel m => NoticeReminderWaiting(m, new Words(language)),
            PlatformNoticeModel m => PlatformNotice(m, new Words(language)),
            PlatformComplaintModel m => PlatformComplaint(m, new Words(language)),
            IdentityCheckAnswerModel m => IdentityCheckAnswer(m, new Words(language)),
            _ => throw new ArgumentException($"No template for {model.GetType().Name}.", nameof(model)),
        };
        var plain = document.ToPlainText();
        var html = document.ToHtml(language, subject);
        return new ComposedLetter(model.Kind, language, subject, plain, html,
            ComposedLetter.ComputeSha256(model.Kind, language, subject, plain, html));
    }

    private static (string, LetterDocument) Erasure(ErasureLetterModel m, Words w)
    {
        var subject = w.T(
            $"Verzoek om gegevenswissing (art. 17 AVG) - kenmerk {m.CaseReference}",
            $"Request for erasure of personal data (Art. 17 GDPR) - reference {m.CaseReference}");
        var doc = Header(m, w, subject, m.RegisteredPost)
            .Paragraph(w.T("Geachte heer, mevrouw,", "Dear Sir or Madam,"))
            .Paragraph(w.T(
                $"Namens {m.DataSubjectName} (hierna: betrokkene) verzoeken wij u op grond van artikel 17 van de Algemene verordening gegevensbescherming (AVG) de hieronder genoemde persoonsgegevens van betrokkene te wissen. Wij dienen dit verzoek in op verzoek van betrokkene, die de tekst van deze brief heeft laten goedkeuren voordat wij hem verstuurden.",
                $"On behalf of {m.DataSubjectName} (the data subject) we request that you erase the personal data of the data subject listed below, under Article 17 of the General Data Protection Regulation (GDPR). We make this request at the data subject's request; its text was approved before we sent it."))
            .Heading(w.T("Welke gegevens", "The data concerned"))
            .Paragraph(w.T("Het gaat om precies de volgende persoonsgegevens:", "The request concerns exactly the following personal data:"))
            .Bullets(m.DataItems)
            .Paragraph(w.T("Deze gegevens zijn gepubliceerd op de volgende adressen (URL's):", "This data is published at the following addresses (URLs):"))
            .Bullets(m.Urls)
            .Heading(w.T("Rechtsgrond", "Legal basis"))
            .Paragraph(w.T(
                "Betrokkene maakt op grond van artikel 21, eerste lid, AVG bezwaar tegen deze verwerking, om redenen die verband houden met haar of zijn specifieke situatie: betrokkene wordt lastiggevallen, en met deze gegevens kan wie dat wil betrokkene vinden, benaderen of bedreigen. Na dit bezwaar mag u de gegevens niet langer verwerken, tenzij u dwingende gerechtvaardigde gronden aantoont die zwaarder wegen dan de belangen, rechten en vrijheden van betrokkene. Die bewijslast ligt bij u, niet bij betrokkene. Betrokkene trekt ook een eventueel eerder gegeven toestemming in.",
                "Under Article 21(1) GDPR the data subject objects to this processing on grounds relating to their particular situation: the data subject is being harassed, and this data lets anyone who wishes find, approach or threaten them. After this objection you may no longer process the data unless you demonstrate compelling legitimate grounds which override the interests, rights and freedoms of the data subject. That burden is yours, not the data subject's. The data subject also withdraws any consent given before."))
            .Paragraph(w.T(
                "U moet de gegevens daarom zonder onredelijke vertraging wissen: er zijn geen prevalerende dwingende gerechtvaardigde gronden voor de verwerking (artikel 17, eerste lid, onder c, AVG), de gegevens worden onrechtmatig verwerkt (onder d) en voor zover de verwerking op toestemming berustte, is die ingetrokken (onder b).",
                "You must therefore erase the data without undue delay: there are no overriding legitimate grounds for the processing (Article 17(1)(c) GDPR), the data is being processed unlawfully (point (d)), and in so far as the processing was based on consent, that consent is withdrawn (point (b))."))
            .Paragraph(w.T(
                "Zolang u het bezwaar beoordeelt, verzoeken wij u de verwerking onmiddellijk te beperken (artikel 18, eerste lid, onder d, AVG): haal de gegevens direct offline, ook als u nog niet over de wissing hebt beslist. Elke dag dat ze online staan, is betrokkene vindbaar voor wie haar of hem kwaad wil doen.",
                "While you weigh the objection, we ask you to restrict the processing at once (Article 18(1)(d) GDPR): take the data offline immediately, even before you have decided on the erasure. Every day it stays online, the data subject can be found by whoever wishes them harm."))
            .Paragraph(w.T(
                "Betrokkene wordt lastiggevallen. Het verspreiden van identificerende persoonsgegevens van een ander met het oogmerk die ander vrees aan te jagen of ernstige overlast te bezorgen, is strafbaar (doxing, artikel 285d Wetboek van Strafrecht).",
                "The data subject is being harassed. Spreading another person's identifying personal data with the intent to intimidate that person or cause them serious nuisance is a criminal offence in the Netherlands (doxing, Article 285d of the Dutch Criminal Code)."))
            .Paragraph(w.T(
                "Een beroep op de vrijheid van meningsuiting en informatie of op journalistieke doeleinden (artikel 17, derde lid, onder a, AVG en artikel 43 Uitvoeringswet AVG) gaat hier niet op. Het adres en andere contactgegevens van een privépersoon, gepubliceerd om die persoon vrees aan te jagen, dragen niet bij aan een debat van algemeen belang, en die publicatie is zelf strafbaar. Wijst u het verzoek geheel of gedeeltelijk af, vermeld dan de redenen en de mogelijkheid van een klacht bij de toezichthoudende autoriteit en van beroep bij de rechter (artikel 12, vierde lid, AVG).",
                "Freedom of expression and information, or journalistic purposes (Article 17(3)(a) GDPR and Article 43 of the Dutch GDPR Implementation Act), do not apply here. The home address and other contact details of a private person, published to make that person afraid, contribute nothing to a debate of general interest, and publishing them is itself a criminal offence. If you refuse the request in whole or in part, state your reasons and the possibility of lodging a complaint with a supervisory authority and of seeking a judicial remedy (Article 12(4) GDPR)."))
            .Paragraph(w.T(
                "Hebt u de gegevens openbaar gemaakt, dan verzoeken wij u ook redelijke maatregelen te nemen om andere verwerkingsverantwoordelijken die de gegevens verwerken te laten weten dat betrokkene heeft verzocht om wissing van alle koppelingen naar en kopieën of reproducties van die gegevens (artikel 17, tweede lid, AVG), en iedere ontvanger aan wie u de gegevens hebt verstrekt van de wissing in kennis te stellen (artikel 19 AVG). Wij verzoeken u ons te laten weten wie die ontvangers zijn (artikel 19, laatste zin, AVG).",
                "Where you have made the data public, we also ask you to take reasonable steps to inform other controllers which are processing the data that the data subject has requested the erasure of any links to, or copies or replications of, that data (Article 17(2) GDPR), and to notify every recipient to whom you disclosed the data of the erasure (Article 19 GDPR). We ask you to tell us who those recipients are (Article 19, last sentence, GDPR)."))
            .Paragraph(w.T(
                "Biedt u een hostingdienst aan, dan geldt deze brief ook als melding van illegale inhoud in de zin van artikel 16 van de digitaledienstenverordening (DSA). Wij verklaren te goeder trouw dat de informatie en beweringen in deze melding juist en volledig zijn.",
                "If you provide a hosting service, this letter is also a notice of illegal content under Article 16 of the Digital Services Act (DSA). We confirm our bona fide belief that the information and allegations in this notice are accurate and complete."))
            .Heading(w.T("Termijn", "Deadline"));
        Deadline(doc, w, m.Deadline);
        doc.Heading(w.T("Schriftelijke bevestiging", "Confirmation in writing"))
            .Paragraph(w.T(
                $"Wij vragen u schriftelijk te bevestigen dat de gegevens zijn gewist, met vermelding van ons kenmerk {m.CaseReference}. Stuur uw antwoord per e-mail naar {m.Sender.ReplyAddress}; dat adres hoort bij dit verzoek.",
                $"Please confirm in writing that the data has been erased, quoting our reference {m.CaseReference}. Send your answer by e-mail to {m.Sender.ReplyAddress}; that address belongs to this request."));
        Minimisation(doc, w);
        return (subject, Closing(doc, w, m.Sender, m.DataSubjectName, formal: false));
    }

    /// <summary>
    /// The erasure request to a search engine: delist the results from searches on the data subject's name (GDPR Art.
    /// 17(1)(c) with 21(1); CJEU C-131/12 Google Spain, C-136/17 GC and Others, C-507/17 Google v CNIL; EDPB Guidelines 5/2019).
    /// </summary>
    private static (string, LetterDocument) Delisting(ErasureLetterModel m, Words w)
    {
        var subject = w.T(
            $"Verzoek om verwijdering van zoekresultaten op naam (art. 17 AVG) - kenmerk {m.CaseReference}",
            $"Request to delist search results on a name (Art. 17 GDPR) - reference {m.CaseReference}");
        var doc = Header(m, w, subject, m.RegisteredPost)
            .Paragraph(w.T("Geachte heer, mevrouw,", "Dear Sir or Madam,"))
            .Paragraph(w.T(
                $"Namens {m.DataSubjectName} (hierna: betrokkene) verzoeken wij u op grond van artikel 17 van de Algemene verordening gegevensbescherming (AVG) de hieronder genoemde resultaten te verwijderen uit de lijst met resultaten die uw zoekmachine toont na een zoekopdracht op de naam van betrokkene: \"{m.DataSubjectName}\". De pagina's zelf vallen buiten dit verzoek; het gaat erom dat een zoekopdracht op de naam van betrokkene er niet langer naartoe leidt. Wij dienen dit verzoek in op verzoek van betrokkene, die de tekst van deze brief heeft laten goedkeuren voordat wij hem verstuurden.",
                $"On behalf of {m.DataSubjectName} (the data subject) we request, under Article 17 of the General Data Protection Regulation (GDPR), that you remove the results listed below from the list of results your search engine displays following a search made on the basis of the data subject's name: \"{m.DataSubjectName}\". This request does not concern the pages themselves; it asks that a search on the data subject's name no longer leads to them. We make this request at the data subject's request; its text was approved before we sent it."))
            .Heading(w.T("Welke zoekresultaten", "The search results concerned"))
            .Paragraph(w.T(
                $"Een zoekopdracht op \"{m.DataSubjectName}\" toont de volgende resultaten (URL's), die betrokkene uit de resultaten verwijderd wil zien:",
                $"A search on \"{m.DataSubjectName}\" displays the following results (URLs), which the data subject asks you to delist:"))
            .Bullets(m.Urls)
            .Paragraph(w.T("Die pagina's publiceren de volgende persoonsgegevens van betrokkene:", "Those pages publish the following personal data of the data subject:"))
            .Bullets(m.DataItems)
            .Heading(w.T("Rechtsgrond", "Legal basis"))
            .Paragraph(w.T(
                "Als exploitant van een zoekmachine bent u verwerkingsverantwoordelijke voor het vinden, indexeren en tonen van deze gegevens, en betrokkene kan u vragen resultaten te verwijderen uit de lijst die na een zoekopdracht op haar of zijn naam wordt getoond (Hof van Justitie EU 13 mei 2014, C-131/12, Google Spain en Google). Het Hof heeft dit ook onder de AVG toegepast, ook op gevoelige gegevens en gegevens over strafzaken (HvJ EU 24 september 2019, C-136/17, GC e.a.), en het Europees Comité voor gegevensbescherming heeft de criteria uitgewerkt in zijn Richtsnoeren 5/2019 over het recht op vergetelheid bij zoekmachines.",
                "As the operator of a search engine you are the controller of the processing that finds, indexes and displays this data, and the data subject may ask you to remove results from the list displayed following a search on their name (Court of Justice of the EU, 13 May 2014, C-131/12, Google Spain and Google). The Court applied this under the GDPR as well, also to sensitive data and data on criminal proceedings (CJEU, 24 September 2019, C-136/17, GC and Others), and the European Data Protection Board has set out the criteria in its Guidelines 5/2019 on the criteria of the Right to be Forgotten in the search engines cases under the GDPR."))
            .Paragraph(w.T(
                "Betrokkene maakt op grond van artikel 21, eerste lid, AVG bezwaar tegen deze verwerking, om redenen die verband houden met haar of zijn specifieke situatie: betrokkene wordt lastiggevallen, en via deze zoekresultaten kan wie de naam van betrokkene intypt haar of hem vinden, benaderen of bedreigen. Na dit bezwaar mag u de gegevens niet langer verwerken, tenzij u dwingende gerechtvaardigde gronden aantoont die zwaarder wegen dan de belangen, rechten en vrijheden van betrokkene. Die bewijslast ligt bij u, niet bij betrokkene. U moet de resultaten daarom zonder onredelijke vertraging verwijderen (artikel 17, eerste lid, onder c, AVG).",
                "Under Article 21(1) GDPR the data subject objects to this processing on grounds relating to their particular situation: the data subject is being harassed, and these search results let anyone who types in the data subject's name find, approach or threaten them. After this objection you may no longer process the data unless you demonstrate compelling legitimate grounds which override the interests, rights and freedoms of the data subject. That burden is yours, not the data subject's. You must therefore delist the results without undue delay (Article 17(1)(c) GDPR)."))
            .Paragraph(w.T(
                "Betrokkene speelt geen enkele rol in het openbare leven: zij of hij is een privépersoon. Er is dus geen bijzondere reden, zoals een rol in het openbare leven, die het belang van het publiek om deze informatie via een zoekopdracht op de naam van betrokkene te vinden zwaarder zou doen wegen dan de rechten van betrokkene (C-131/12, Google Spain en Google). Het verspreiden van identificerende persoonsgegevens van een ander met het oogmerk die ander vrees aan te jagen of ernstige overlast te bezorgen, is bovendien strafbaar (doxing, artikel 285d Wetboek van Strafrecht); die publicatie draagt niet bij aan een debat van algemeen belang (artikel 17, derde lid, onder a, AVG).",
                "The data subject plays no role in public life: they are a private person. There is therefore no particular reason, such as a role in public life, that would make the public's interest in finding this information by a search on the data subject's name outweigh the data subject's rights (C-131/12, Google Spain and Google). Moreover, spreading another person's identifying personal data with the intent to intimidate that person or cause them serious nuisance is a criminal offence in the Netherlands (doxing, Article 285d of the Dutch Criminal Code); publishing it contributes nothing to a debate of general interest (Article 17(3)(a) GDPR)."))
            .Paragraph(w.T(
                "Wij verzoeken u de resultaten te verwijderen op alle versies en domeinnamen van uw zoekmachine die in de lidstaten van de Europese Unie worden gebruikt, niet alleen op de Nederlandse (HvJ EU 24 september 2019, C-507/17, Google). Zolang u het bezwaar beoordeelt, verzoeken wij u de verwerking onmiddellijk te beperken (artikel 18, eerste lid, onder d, AVG): toon de resultaten niet meer bij een zoekopdracht op de naam van betrokkene, ook als u nog niet over het verzoek hebt beslist.",
                "We ask you to delist the results on all versions and domain names of your search engine used in the Member States of the European Union, not only on the Dutch one (CJEU, 24 September 2019, C-507/17, Google). While you weigh the objection, we ask you to restrict the processing at once (Article 18(1)(d) GDPR): stop displaying the results for searches on the data subject's name, even before you have decided on the request."))
            .Paragraph(w.T(
                "Wijst u het verzoek geheel of gedeeltelijk af, vermeld dan de redenen en de mogelijkheid van een klacht bij de toezichthoudende autoriteit en van beroep bij de rechter (artikel 12, vierde lid, AVG).",
                "If you refuse the request in whole or in part, state your reasons and the possibility of lodging a complaint with a supervisory authority and of seeking a judicial remedy (Article 12(4) GDPR)."))
            .Heading(w.T("Termijn", "Deadline"));
        Deadline(doc, w, m.Deadline);
        doc.Heading(w.T("Schriftelijke bevestiging", "Confirmation in writing"))
            .Paragraph(w.T(
                $"Wij vragen u schriftelijk te bevestigen dat de resultaten zijn verwijderd, met vermelding van ons kenmerk {m.CaseReference}. Stuur uw antwoord per e-mail naar {m.Sender.ReplyAddress}; dat adres hoort bij dit verzoek.",
                $"Please confirm in writing that the results have been delisted, quoting our reference {m.CaseReference}. Send your answer by e-mail to {m.Sender.ReplyAddress}; that address belongs to this request."));
        Minimisation(doc, w);
        return (subject, Closing(doc, w, m.Sender, m.DataSubjectName, formal: false));
    }

    private static (string, LetterDocument) Reminder(DeadlineReminderModel m, Words w)
    {
        // A delisting request is erasure under Art. 17 too, but asks the search engine for something else: to stop showing
        // results for searches on the name (CJEU C-131/12 Google Spain, C-136/17 GC and Others; EDPB Guidelines 5/2019).
        var what = m.Delisting
            ? w.T("verzoek om verwijdering uit zoekresultaten", "request to delist search results")
            : w.T("verzoek om gegevenswissing", "request for erasure of personal data");
        var subject = m.DeadlinePassed
            ? w.T($"Termijn verstreken: {what} (art. 17 AVG) - kenmerk {m.CaseReference}",
                $"Deadline passed: {what} (Art. 17 GDPR) - reference {m.CaseReference}")
            : w.T($"Herinnering: {what} (art. 17 AVG) - kenmerk {m.CaseReference}",
                $"Reminder: {what} (Art. 17 GDPR) - reference {m.CaseReference}");
        var due = w.Date(m.Deadline.DueDate);
        var doc = Header(m, w, subject, registeredPost: false)
            .Paragraph(w.T("Geachte heer, mevrouw,", "Dear Sir or Madam,"))
            .Paragraph(m.Delisting
                ? w.T(
                    $"Op {w.Date(m.RequestSentOn)} hebben wij u namens {m.DataSubjectName} (hierna: betrokkene) verzocht de hieronder genoemde resultaten niet langer te tonen bij zoekopdrachten op de naam van betrokkene, in al uw versies binnen de Europese Unie, op grond van artikel 17, eerste lid, onder c, en artikel 21, eerste lid, van de Algemene verordening gegevensbescherming (AVG), zoals uitgelegd door het Hof van Justitie in Google Spain (C-131/12) en GC e.a. (C-136/17). U hebt dat verzoek op {w.Date(m.RequestReceivedOn)} ontvangen.",
                    $"On {w.Date(m.RequestSentOn)} we asked you, on behalf of {m.DataSubjectName} (the data subject), to stop showing the results listed below for searches on the data subject's name, on all your versions within the European Union, under Article 17(1)(c) and Article 21(1) of the General Data Protection Regulation (GDPR), as interpreted by the Court of Justice in Google Spain (C-131/12) and GC and Others (C-136/17). You received that request on {w.Date(m.RequestReceivedOn)}.")
                : w.T(
                    $"Op {w.Date(m.RequestSentOn)} hebben wij u namens {m.DataSubjectName} (hierna: betrokkene) verzocht de hieronder genoemde persoonsgegevens te wissen op grond van artikel 17 van de Algemene verordening gegevensbescherming (AVG). U hebt dat verzoek op {w.Date(m.RequestReceivedOn)} ontvangen.",
                    $"On {w.Date(m.RequestSentOn)} we asked you, on behalf of {m.DataSubjectName} (the data subject), to erase the personal data listed below under Article 17 of the General Data Protection Regulation (GDPR). You received that request on {w.Date(m.RequestReceivedOn)}."))
            .Heading(w.T("Welke gegevens", "The data concerned"))
            .Bullets(m.DataItems)
            .Paragraph(m.Delisting ? w.T("De zoekresultaten (URL's):", "The search results (URLs):") : w.T("Gepubliceerd op:", "Published at:"))
            .Bullets(m.Urls)
            .Heading(w.T("Termijn", "Deadline"));
        if (m.DeadlinePassed)
        {
            doc.Paragraph(w.T(
                    $"De termijn voor uw antwoord is op {due} verstreken. {m.Deadline.ExplanationNl}",
                    $"The deadline for your answer passed on {due}. {m.Deadline.ExplanationEn}"))
                .Paragraph(w.T(
                    "Wij hebben geen antwoord en geen tijdige kennisgeving van verlenging van u ontvangen. Daarmee handelt u in strijd met artikel 12, derde en vierde lid, AVG.",
                    "We have received neither an answer nor a timely notice of extension from you. You are therefore in breach of Article 12(3) and (4) GDPR."))
                .Paragraph(m.Delisting
                    ? w.T(
                        "Wij verzoeken u de zoekresultaten alsnog onverwijld te verwijderen. Ontvangen wij geen antwoord, dan dienen wij namens betrokkene een klacht in bij de Autoriteit Persoonsgegevens (artikel 77 AVG). Daarnaast kan betrokkene zich tot de rechter wenden (artikel 79 AVG en artikel 35 Uitvoeringswet AVG).",
                        "We ask you to delist the results without further delay. If we receive no answer, we will lodge a complaint on behalf of the data subject with the Autoriteit Persoonsgegevens, the Dutch supervisory authority (Article 77 GDPR). The data subject may also go to court (Article 79 GDPR and Article 35 of the Dutch GDPR Implementation Act).")
                    : w.T(
                        "Wij verzoeken u de gegevens alsnog onverwijld te wissen. Ontvangen wij geen antwoord, dan dienen wij namens betrokkene een klacht in bij de Autoriteit Persoonsgegevens (artikel 77 AVG). Daarnaast kan betrokkene zich tot de rechter wenden (artikel 79 AVG en artikel 35 Uitvoeringswet AVG).",
                        "We ask you to erase the data without further delay. If we receive no answer, we will lodge a complaint on behalf of the data subject with the Autoriteit Persoonsgegevens, the Dutch supervisory authority (Article 77 GDPR). The data subject may also go to court (Article 79 GDPR and Article 35 of the Dutch GDPR Implementation Act)."));
        }
        else
        {
            doc.Paragraph(w.T(
                    $"Uw antwoord moet ons uiterlijk op {due} bereiken. {m.Deadline.ExplanationNl}",
                    $"Your answer must reach us no later than {due}. {m.Deadline.ExplanationEn}"))
                .Paragraph(w.T(
                    "Wij hebben nog geen antwoord van u ontvangen. Wij herinneren u eraan dat u binnen deze termijn moet laten weten wat u met het verzoek hebt gedaan (artikel 12, derde lid, AVG), of waarom u er niet op ingaat (artikel 12, vierde lid, AVG).",
                    "We have not yet received an answer from you. We remind you that within this deadline you must tell us what action you have taken on the request (Article 12(3) GDPR), or why you are not taking action (Article 12(4) GDPR)."));
        }
        doc.Heading(w.T("Schriftelijke bevestiging", "Confirmation in writing"))
            .Paragraph(m.Delisting
                ? w.T(
                    $"Wij vragen u schriftelijk te bevestigen dat de zoekresultaten zijn verwijderd, met vermelding van ons kenmerk {m.CaseReference}, per e-mail aan {m.Sender.ReplyAddress}.",
                    $"Please confirm in writing that the results have been delisted, quoting our reference {m.CaseReference}, by e-mail to {m.Sender.ReplyAddress}.")
                : w.T(
                    $"Wij vragen u schriftelijk te bevestigen dat de gegevens zijn gewist, met vermelding van ons kenmerk {m.CaseReference}, per e-mail aan {m.Sender.ReplyAddress}.",
                    $"Please confirm in writing that the data has been erased, quoting our reference {m.CaseReference}, by e-mail to {m.Sender.ReplyAddress}."));
        Minimisation(doc, w);
        return (subject, Closing(doc, w, m.Sender, m.DataSubjectName, formal: false));
    }

    private static (string, LetterDocument) ApComplaint(ApComplaintDossierModel m, Words w)
    {
        var subject = w.T(
            $"Klacht op grond van artikel 77 AVG over {m.ControllerName} - kenmerk {m.CaseReference}",
            $"Complaint under Article 77 GDPR about {m.ControllerName} - reference {m.CaseReference}");
        var byOperator = m.AuthorisationText is not null;
        var doc = Header(m, w, subject, registeredPost: false)
            .Paragraph(w.T("Geachte heer, mevrouw,", "Dear Sir or Madam,"))
            .Paragraph(byOperator
                ? w.T(
                    $"Hierbij dient {m.Sender.Name} namens {m.DataSubjectName} (hierna: betrokkene) en op grond van de hieronder opgenomen machtiging een klacht in op grond van artikel 77 van de Algemene verordening gegevensbescherming (AVG) over de verwerking van persoonsgegevens van betrokkene door {m.ControllerName} (hierna: de verwerkingsverantwoordelijke).",
                    $"{m.Sender.Name} hereby lodges, on behalf of {m.DataSubjectName} (the data subject) and under the authorisation included below, a complaint under Article 77 of the General Data Protection Regulation (GDPR) about the processing of the data subject's personal data by {m.ControllerName} (the controller).")
                : w.T(
                    $"Hierbij dient {m.DataSubjectName} (hierna: betrokkene) een klacht in op grond van artikel 77 van de Algemene verordening gegevensbescherming (AVG) over de verwerking van haar of zijn persoonsgegevens door {m.ControllerName} (hierna: de verwerkingsverantwoordelijke). {m.Sender.Name} heeft dit dossier voor betrokkene opgesteld.",
                    $"{m.DataSubjectName} (the data subject) hereby lodges a complaint under Article 77 of the General Data Protection Regulation (GDPR) about the processing of their personal data by {m.ControllerName} (the controller). {m.Sender.Name} prepared this dossier for the data subject."))
            .Heading(w.T("Verwerkingsverantwoordelijke", "Controller"))
            .Lines([m.ControllerName, .. m.ControllerAddress]);
        if (m.ComplainantAddress is { } complainant)
        {
            // On a complaint by letter the AP needs the complainant's name and address (it asks for them to handle it).
            doc.Heading(w.T("Klager (betrokkene)", "Complainant (the data subject)"))
                .Lines([m.DataSubjectName, .. complainant]);
        }
        doc.Heading(w.T("Klacht", "Complaint"))
            .Verbatim(m.ComplaintText)
            .Heading(m.Delisting
                ? w.T("Persoonsgegevens en zoekresultaten", "Personal data and the search results")
                : w.T("Persoonsgegevens en vindplaatsen", "Personal data and where it is published"))
            .Bullets(m.DataItems)
            .Bullets(m.Urls);
        if (m.Delisting)
        {
            // The AP should see at once that this is a delisting request to a search engine (C-131/12, C-136/17;
            // EDPB Guidelines 5/2019), not a request to erase the pages themselves.
            doc.Paragraph(w.T(
                $"Het verzoek was een verzoek om verwijdering uit zoekresultaten: {m.ControllerName} is een zoekmachine en is gevraagd de bovenstaande resultaten niet langer te tonen bij zoekopdrachten op de naam van betrokkene (artikel 17, eerste lid, onder c, en artikel 21, eerste lid, AVG; HvJ EU 13 mei 2014, C-131/12, Google Spain; HvJ EU 24 september 2019, C-136/17, GC e.a.; EDPB-richtsnoeren 5/2019).",
                $"The request was a request to delist search results: {m.ControllerName} is a search engine and was asked to stop showing the results above for searches on the data subject's name (Article 17(1)(c) and Article 21(1) GDPR; CJEU 13 May 2014, C-131/12, Google Spain; CJEU 24 September 2019, C-136/17, GC and Others; EDPB Guidelines 5/2019)."));
        }
        doc.Heading(w.T("Termijn", "Deadline"))
            .Paragraph(w.T(
                $"De verwerkingsverantwoordelijke heeft het verzoek om {(m.Delisting ? "verwijdering uit zoekresultaten" : "wissing")} (artikel 17 AVG) op {w.Date(m.RequestReceivedOn)} ontvangen. Het antwoord moest uiterlijk op {w.Date(m.Deadline.DueDate)} worden gegeven (artikel 12, derde lid, AVG). {m.Deadline.ExplanationNl}",
                $"The controller received the request {(m.Delisting ? "to delist search results" : "for erasure")} (Article 17 GDPR) on {w.Date(m.RequestReceivedOn)}. The answer was due no later than {w.Date(m.Deadline.DueDate)} (Article 12(3) GDPR). {m.Deadline.ExplanationEn}"))
            .Heading(w.T("Verloop van het verzoek", "History of the request"))
            .Bullets(m.History.Select(h => h.Proof is null
                ? $"{w.Date(h.On)}: {h.Description}"
                : $"{w.Date(h.On)}: {h.Description} ({w.T("bewijs", "proof")}: {h.Proof})"));
        if (m.AuthorisationText is { } authorisation)
        {
            doc.Heading(w.T("Machtiging", "Authorisation"))
                .Paragraph(w.T(
                    $"{m.Sender.Name} dient deze klacht in namens betrokkene. De door betrokkene ondertekende machtiging luidt:",
                    $"{m.Sender.Name} lodges this complaint on behalf of the data subject. The authorisation signed by the data subject reads:"))
                .Verbatim(authorisation);
        }
        doc.Heading(w.T("Verzoek", "Request"))
            .Paragraph(w.T(
                $"Wij verzoeken de Autoriteit Persoonsgegevens deze klacht te behandelen en ons schriftelijk te bevestigen dat zij is ontvangen, met vermelding van ons kenmerk {m.CaseReference}. Correspondentie over deze klacht graag aan {m.Sender.ReplyAddress}.",
                $"We ask the Autoriteit Persoonsgegevens to handle this complaint and to confirm its receipt in writing, quoting our reference {m.CaseReference}. Please send correspondence about this complaint to {m.Sender.ReplyAddress}."))
            .Heading(w.T("Persoonsgegevens in dit dossier", "Personal data in this dossier"))
            .Paragraph(m.ComplainantAddress is null
                ? w.T(
                    "Dit dossier bevat alleen de persoonsgegevens die nodig zijn om de klacht te beoordelen. De contactgegevens van betrokkene zijn weggelaten omdat betrokkene wordt lastiggevallen; betrokkene geeft ze op het klachtformulier, en u kunt betrokkene ook via ons bereiken. Wij bewaren een volledige kopie van dit dossier.",
                    "This dossier contains only the personal data needed to assess the complaint. The data subject's contact details are left out because the data subject is being harassed; the data subject gives them on the complaint form, and you can also reach the data subject through us. We keep a full copy of this dossier.")
                : w.T(
                    "Dit dossier bevat alleen de persoonsgegevens die nodig zijn om de klacht te beoordelen. Het adres van betrokkene staat erin omdat de Autoriteit Persoonsgegevens het nodig heeft om een klacht per brief te behandelen; betrokkene wordt lastiggevallen, dus wij vragen u het niet verder te verstrekken dan nodig. Wij bewaren een volledige kopie van dit dossier.",
                    "This dossier contains only the personal data needed to assess the complaint. The data subject's address is included because the Autoriteit Persoonsgegevens needs it to handle a complaint by letter; the data subject is being harassed, so we ask you not to pass it on further than needed. We keep a full copy of this dossier."));
        return (subject, Closing(doc, w, m.Sender, byOperator ? m.DataSubjectName : null, formal: false));
    }

    private static (string, LetterDocument) IdentityCheckAnswer(IdentityCheckAnswerModel m, Words w)
    {
        var what = m.Delisting
            ? w.T("verzoek om verwijdering uit zoekresultaten", "request to delist search results")
            : w.T("verzoek om gegevenswissing", "request for erasure");
        var subject = w.T($"Antwoord op uw vraag naar de identiteit: {what} - kenmerk {m.CaseReference}",
            $"Answer to your question about identity: {what} - reference {m.CaseReference}");
        var doc = Header(m, w, subject, registeredPost: false)
            .Paragraph(w.T("Geachte heer, mevrouw,", "Dear Sir or Madam,"))
            .Paragraph(w.T(
                $"Op {w.Date(m.QuestionAskedOn)} vroeg u ons om de identiteit van {m.DataSubjectName} (hierna: betrokkene) te bevestigen voordat u ons {what} behandelt (artikel 12, zesde lid, AVG). Bij dit bericht vindt u een kopie van een identiteitsbewijs van betrokkene waarop het burgerservicenummer, de pasfoto en het adres zijn afgeschermd. Meer is voor het vaststellen van de identiteit niet nodig: u kent betrokkene alleen van de gegevens die u over haar of hem publiceert.",
                $"On {w.Date(m.QuestionAskedOn)} you asked us to confirm the identity of {m.DataSubjectName} (the data subject) before handling our {what} (Article 12(6) GDPR). Attached to this message is a copy of an identity document of the data subject with the citizen service number, the photo and the address masked. Nothing more is needed to establish identity: you know the data subject only from the data you publish about them."))
            .Paragraph(w.T(
                "Gebruik deze kopie alleen om de identiteit voor dit verzoek vast te stellen, geef haar aan niemand door en vernietig haar zodra dat is gebeurd (artikel 5, eerste lid, onder b, c en e, AVG). Stuur berichten over dit verzoek uitsluitend aan ons; neem geen contact op met betrokkene zelf.",
                "Use this copy only to establish identity for this request, pass it on to no one and destroy it once that is done (Article 5(1)(b), (c) and (e) GDPR). Send messages about this request to us only; do not contact the data subject directly."))
            .Paragraph(w.T(
                "Met dit antwoord loopt de termijn voor uw antwoord op het verzoek weer (artikel 12, derde lid, AVG).",
                "With this answer the time for your answer to the request runs again (Article 12(3) GDPR)."))
            .Heading(w.T("Machtiging", "Authorisation"))
            .Paragraph(w.T("Betrokkene heeft ons gemachtigd om namens haar of hem op te treden. De ondertekende machtiging luidt:",
                "The data subject has authorised us to act on their behalf. The signed authorisation reads:"))
            .Verbatim(m.AuthorisationText);
        return (subject, Closing(doc, w, m.Sender, m.DataSubjectName, formal: false));
    }

    private static (string, LetterDocument) CeaseAndDesist(CeaseAndDesistModel m, Words w)
    {
        var subject = w.T(
            $"Sommatie: staak elk contact met {m.VictimName} - kenmerk {m.CaseReference}",
            $"Cease and desist: stop all contact with {m.VictimName} - reference {m.CaseReference}");
        var doc = Header(m, w, subject, registeredPost: true)
            .Paragraph(w.T($"Geachte {m.Recipient.Name},", $"Dear {m.Recipient.Name},"))
            .Paragraph(w.T(
                $"Wij schrijven u namens {m.VictimName}. {m.VictimName} wil geen enkel contact meer met u. Dat geldt voor elke vorm van contact: bellen, berichten, e-mail, sociale media, post, bezoek, opwachten en contact via anderen.",
                $"We are writing to you on behalf of {m.VictimName}. {m.VictimName} wants no contact with you whatsoever. This covers every form of contact: calls, messages, e-mail, social media, post, visits, waiting for them and contact through other people."))
            .Paragraph(w.T("Het gaat in elk geval om het volgende gedrag:", "This concerns at least the following conduct:"))
            .Bullets(m.Conduct)
            .Paragraph(w.T(
                "Wij sommeren u hierbij onmiddellijk en blijvend met dit gedrag op te houden.",
                "We hereby demand that you stop this immediately and permanently."));
        if (m.PublishedUrls.Count > 0)
        {
            var deadline = m.RemovalDeadline!;
            doc.Heading(w.T("Gepubliceerde gegevens", "Published data"))
                .Paragraph(w.T(
                    $"U hebt persoonsgegevens van {m.VictimName} gepubliceerd op de volgende adressen:",
                    $"You have published personal data of {m.VictimName} at the following addresses:"))
                .Bullets(m.PublishedUrls)
                .Paragraph(w.T(
                    $"Wij sommeren u deze gegevens onmiddellijk te verwijderen, en in elk geval uiterlijk op {w.Date(deadline.DueDate)}, en ze niet opnieuw te publiceren. Zolang ze online staan, kan iedereen ze gebruiken om {m.VictimName} te vinden. {deadline.ExplanationNl}",
                    $"We demand that you remove this data immediately, and in any case no later than {w.Date(deadline.DueDate)}, and do not publish it again. As long as it is online, anyone can use it to find {m.VictimName}. {deadline.ExplanationEn}"));
        }
        doc.Heading(w.T("Rechtsgrond", "Legal basis"))
            .Paragraph(w.T(
                "Wie wederrechtelijk stelselmatig opzettelijk inbreuk maakt op de persoonlijke levenssfeer van een ander met het oogmerk die ander te dwingen iets te doen, niet te doen of te dulden dan wel vrees aan te jagen, maakt zich schuldig aan belaging (stalking), waarop een gevangenisstraf van ten hoogste drie jaren staat (artikel 285b Wetboek van Strafrecht). Het verspreiden van identificerende persoonsgegevens van een ander met het oogmerk die ander vrees aan te jagen of ernstige overlast te bezorgen, is strafbaar op grond van artikel 285d Wetboek van Strafrecht.",
                "Under Dutch law, anyone who unlawfully, systematically and intentionally violates another person's private life with the intent to force that person to do, not do or tolerate something, or to make them afraid, is guilty of stalking, punishable by up to three years' imprisonment (Article 285b of the Dutch Criminal Code). Spreading another person's identifying personal data with the intent to intimidate that person or cause them serious nuisance is a criminal offence under Article 285d of the Dutch Criminal Code."))
            .Paragraph(w.T(
                "Uw gedrag is bovendien onrechtmatig (artikel 6:162 Burgerlijk Wetboek). De rechter kan u een contact- en straatverbod opleggen, op straffe van een dwangsom.",
                "Your conduct is also unlawful under Dutch civil law (Article 6:162 of the Dutch Civil Code). A court can order you to stay away and make no contact, subject to a penalty payment for every breach."))
            .Paragraph(w.T(
                $"Deze brief wordt zowel aangetekend als per gewone post verzonden en bewaard als bewijs dat u duidelijk is gemaakt dat elk contact ongewenst is. Houdt u niet op, dan kan {m.VictimName} aangifte doen bij de politie en de rechter om maatregelen vragen.",
                $"This letter is sent both by registered and by ordinary post and kept as evidence that you have been told clearly that any contact is unwanted. If you do not stop, {m.VictimName} can report you to the police and ask a court for measures."))
            .Heading(w.T("Schriftelijke bevestiging", "Confirmation in writing"))
            .Paragraph(w.T(
                $"Wij vragen u schriftelijk te bevestigen dat u aan deze sommatie voldoet, met vermelding van kenmerk {m.CaseReference}, uitsluitend aan {m.Sender.Name} via {m.Sender.ReplyAddress}. Neem over deze brief geen contact op met {m.VictimName}. Op voorstellen of verzoeken om een gesprek wordt niet ingegaan.",
                $"Please confirm in writing that you comply with this demand, quoting reference {m.CaseReference}, only to {m.Sender.Name} at {m.Sender.ReplyAddress}. Do not contact {m.VictimName} about this letter. Proposals or requests for a conversation will not be taken up."))
            .Heading(w.T("Persoonsgegevens in deze brief", "Personal data in this letter"))
            .Paragraph(w.T(
                $"Deze brief bevat bewust geen andere gegevens van {m.VictimName} dan de naam: niet meer dan nodig is om duidelijk te maken om wie het gaat.",
                $"On purpose, this letter contains no data about {m.VictimName} other than the name: no more than is needed to make clear who this is about."));
        return (subject, Closing(doc, w, m.Sender, m.VictimName, formal: true));
    }

    private static (string, LetterDocument) NoticeSent(VictimNoticeSentModel m, Words w)
    {
        var subject = w.T(
            $"Uw verzoek aan {m.ControllerName} is verstuurd - kenmerk {m.CaseReference}",
            $"Your request to {m.ControllerName} has been sent - reference {m.CaseReference}");
        var doc = new LetterDocument()
            .Paragraph(w.T($"Beste {m.Recipient.Name},", $"Dear {m.Recipient.Name},"))
            .Paragraph(w.T(
                $"Op {w.Date(m.SentOn)} hebben wij namens u het verzoek om gegevenswissing (artikel 17 AVG) naar {m.ControllerName} gestuurd. Het bewijs van verzending (tijdstip, Message-ID en een SHA-256-vingerafdruk van de tekst) bewaren wij in uw dossier.",
                $"On {w.Date(m.SentOn)} we sent the request for erasure (Article 17 GDPR) to {m.ControllerName} on your behalf. We keep the proof of sending (time, Message-ID and a SHA-256 fingerprint of the text) in your file."))
            .Paragraph(w.T(
                $"{m.ControllerName} moet uiterlijk op {w.Date(m.Deadline.DueDate)} antwoorden. {m.Deadline.ExplanationNl}",
                $"{m.ControllerName} must answer no later than {w.Date(m.Deadline.DueDate)}. {m.Deadline.ExplanationEn}"))
            .Paragraph(w.T(
                "Wij bewaken de termijn voor u. Het antwoord komt bij ons binnen, niet in uw eigen mailbox; wij laten het u weten zodra er antwoord is of als de termijn verstrijkt.",
                "We watch the deadline for you. The answer comes to us, not to your own mailbox; we will let you know as soon as there is an answer or if the deadline passes."));
        NoticePrivacy(doc, w, m.CaseReference);
        return (subject, Closing(doc, w, m.Sender, null, formal: false));
    }

    private static (string, LetterDocument) NoticeAnswered(VictimNoticeAnsweredModel m, Words w)
    {
        var subject = w.T(
            $"{m.ControllerName} heeft geantwoord - kenmerk {m.CaseReference}",
            $"{m.ControllerName} has answered - reference {m.CaseReference}");
        var doc = new LetterDocument()
            .Paragraph(w.T($"Beste {m.Recipient.Name},", $"Dear {m.Recipient.Name},"))
            .Paragraph(w.T(
                $"{m.ControllerName} heeft op {w.Date(m.AnsweredOn)} geantwoord op uw verzoek om gegevenswissing (artikel 17 AVG).",
                $"{m.ControllerName} answered your request for erasure (Article 17 GDPR) on {w.Date(m.AnsweredOn)}."))
            .Paragraph(w.T($"Onze samenvatting van het antwoord: {m.AnswerSummaryNl}", $"Our summary of the answer: {m.AnswerSummaryEn}"))
            .Paragraph(w.T(
                $"Een medewerker heeft het antwoord beoordeeld; het volledige antwoord staat in uw dossier. Staan de gegevens nog online, of klopt er iets niet, laat het ons dan weten via {m.Sender.ReplyAddress}.",
                $"A member of our staff has reviewed the answer; the full answer is in your file. If the data is still online, or something is not right, please tell us at {m.Sender.ReplyAddress}."));
        NoticePrivacy(doc, w, m.CaseReference);
        return (subject, Closing(doc, w, m.Sender, null, formal: false));
    }

    private static (string, LetterDocument) NoticeDeadlineMissed(VictimNoticeDeadlineMissedModel m, Words w)
    {
        var subject = w.T(
            $"{m.ControllerName} heeft niet op tijd geantwoord - kenmerk {m.CaseReference}",
            $"{m.ControllerName} did not answer in time - reference {m.CaseReference}");
        var doc = new LetterDocument()
            .Paragraph(w.T($"Beste {m.Recipient.Name},", $"Dear {m.Recipient.Name},"))
            .Paragraph(w.T(
                $"{m.ControllerName} had uiterlijk op {w.Date(m.Deadline.DueDate)} moeten antwoorden op uw verzoek om {(m.Delisting ? "verwijdering uit zoekresultaten" : "gegevenswissing")}. {m.Deadline.ExplanationNl} Wij hebben geen antwoord ontvangen.",
                $"{m.ControllerName} had to answer your request {(m.Delisting ? "to delist search results" : "for erasure")} no later than {w.Date(m.Deadline.DueDate)}. {m.Deadline.ExplanationEn} We have received no answer."))
            .Paragraph(w.T(
                "Wat er nu gebeurt: wij stellen een klacht op bij de Autoriteit Persoonsgegevens (artikel 77 AVG). De AP neemt klachten aan via het klachtformulier op haar website of per brief; de klacht loopt pas als de AP haar heeft ontvangen en bevestigd. In het portaal vindt u de tekst om zelf in te dienen, of een brief om te versturen. Wilt u dat wij haar namens u indienen, dan hebben wij uw machtiging nodig: als u die nog niet hebt gegeven, kunt u haar in het portaal lezen en ondertekenen.",
                "What happens next: we prepare a complaint to the Autoriteit Persoonsgegevens, the Dutch data protection authority (Article 77 GDPR). The AP takes complaints through the complaint form on its website or by letter; the complaint runs only once the AP has received and confirmed it. In the portal you will find the text to lodge it yourself, or a letter to send. If you want us to lodge it on your behalf, we need your authorisation: if you have not given it yet, you can read and sign it in the portal."))
            .Paragraph(w.T(
                "U kunt zich ook tot de rechter wenden (artikel 79 AVG en artikel 35 Uitvoeringswet AVG).",
                "You may also go to court (Article 79 GDPR and Article 35 of the Dutch GDPR Implementation Act)."));
        NoticePrivacy(doc, w, m.CaseReference);
        return (subject, Closing(doc, w, m.Sender, null, formal: false));
    }

    private static (string, LetterDocument) NoticeReminderWaiting(VictimNoticeReminderWaitingModel m, Words w)
    {
        var subject = w.T(
            $"Herinnering aan {m.ControllerName} wacht op uw goedkeuring - kenmerk {m.CaseReference}",
            $"Reminder to {m.ControllerName} awaits your approval - reference {m.CaseReference}");
        var doc = new LetterDocument()
            .Paragraph(w.T($"Beste {m.Recipient.Name},", $"Dear {m.Recipient.Name},"))
            .Paragraph(w.T(
                $"{m.ControllerName} moet uiterlijk op {w.Date(m.Deadline.DueDate)} antwoorden op uw verzoek om gegevenswissing (artikel 17 AVG) en heeft dat nog niet gedaan. {m.Deadline.ExplanationNl}",
                $"{m.ControllerName} must answer your request for erasure (Article 17 GDPR) no later than {w.Date(m.Deadline.DueDate)} and has not done so yet. {m.Deadline.ExplanationEn}"))
            .Paragraph(w.T(
                $"Wij hebben een herinnering aan {m.ControllerName} klaargezet. Lees hem in het portaal en keur hem goed; pas daarna versturen wij hem namens u.",
                $"We have prepared a reminder to {m.ControllerName}. Read it in the portal and approve it; only then do we send it on your behalf."))
            .Paragraph(w.T(
                $"Keurt u de herinnering niet goed, dan gaat er geen herinnering en loopt de termijn gewoon door. Wij laten het u weten als {m.ControllerName} niet op tijd antwoordt.",
                $"If you do not approve the reminder, none is sent and the deadline runs on as before. We will let you know if {m.ControllerName} does not answer in time."));
        NoticePrivacy(doc, w, m.CaseReference);
        return (subject, Closing(doc, w, m.Sender, null, formal: false));
    }

    /// <summary>
    /// DSA Art. 16 notice by e-mail. The four elements of Art. 16(2) each under their own heading, so the platform
    /// cannot miss one; the notifier's good-faith statement in the words of Art. 16(2)(d).
    /// </summary>
    private static (string, LetterDocument) PlatformNotice(PlatformNoticeModel m, Words w)
    {
        var subject = w.T(
            $"Melding van illegale inhoud (art. 16 DSA) - kenmerk {m.CaseReference}",
            $"Notice of illegal content (Art. 16 DSA) - reference {m.CaseReference}");
        var doc = Header(m, w, subject, registeredPost: false)
            .Paragraph(w.T("Geachte heer, mevrouw,", "Dear Sir or Madam,"))
            .Paragraph(m.ServiceIsNotifier
                ? w.T(
                    $"Hierbij melden wij, {m.NotifierName} (hierna: de melder), illegale inhoud op uw dienst, op grond van artikel 16 van de digitaledienstenverordening (DSA), namens een persoon die door deze inhoud wordt getroffen. Deze melding bevat de vier elementen die artikel 16, tweede lid, DSA vereist.",
                    $"We, {m.NotifierName} (the notifier), hereby notify you of illegal content on your service, under Article 16 of the Digital Services Act (DSA), on behalf of a person affected by this content. This notice contains the four elements Article 16(2) DSA requires.")
                : w.T(
                    $"Hierbij melden wij namens {m.NotifierName} (hierna: de melder) illegale inhoud op uw dienst, op grond van artikel 16 van de digitaledienstenverordening (DSA). Deze melding bevat de vier elementen die artikel 16, tweede lid, DSA vereist.",
                    $"On behalf of {m.NotifierName} (the notifier) we hereby notify you of illegal content on your service, under Article 16 of the Digital Services Act (DSA). This notice contains the four elements Article 16(2) DSA requires."))
            .Heading(w.T("1. Waarom de inhoud illegaal is (artikel 16, tweede lid, onder a, DSA)", "1. Why the content is illegal (Article 16(2)(a) DSA)"))
            .Paragraph($"{w.T("Soort inhoud", "Kind of content")}: {CategoryText(m.Category, w)}")
            .Paragraph(m.Explanation)
            .Heading(w.T("2. Waar de inhoud staat (artikel 16, tweede lid, onder b, DSA)", "2. Where the content is (Article 16(2)(b) DSA)"))
            .Paragraph(w.T("De exacte adressen (URL's):", "The exact addresses (URLs):"))
            .Bullets(m.Urls)
            .Heading(w.T("3. De melder (artikel 16, tweede lid, onder c, DSA)", "3. The notifier (Article 16(2)(c) DSA)"))
            .Lines($"{w.T("Naam", "Name")}: {m.NotifierName}", $"{w.T("E-mailadres", "E-mail address")}: {m.NotifierEmail}")
            .Heading(w.T("4. Verklaring te goeder trouw (artikel 16, tweede lid, onder d, DSA)", "4. Statement of good faith (Article 16(2)(d) DSA)"))
            .Paragraph(w.T(
                "De melder verklaart te goeder trouw dat de informatie en beweringen in deze melding juist en volledig zijn.",
                "The notifier confirms their bona fide belief that the information and allegations contained in this notice are accurate and complete."))
            .Heading(w.T("Wat wij van u vragen", "What we ask of you"))
            .Paragraph(w.T(
                $"Wij vragen u de ontvangst van deze melding zonder onnodige vertraging te bevestigen (artikel 16, vierde lid, DSA), tijdig, zorgvuldig, niet-willekeurig en objectief over de melding te besluiten (artikel 16, zesde lid, DSA) en ons uw besluit mee te delen, met de mogelijkheden om ertegen op te komen (artikel 16, vijfde lid, DSA), met vermelding van ons kenmerk {m.CaseReference}. Stuur uw bevestiging en uw besluit per e-mail naar {m.Sender.ReplyAddress}; dat adres hoort bij deze melding.",
                $"Please confirm receipt of this notice without undue delay (Article 16(4) DSA), decide on it in a timely, diligent, non-arbitrary and objective manner (Article 16(6) DSA) and notify us of your decision and of the possibilities for redress against it (Article 16(5) DSA), quoting our reference {m.CaseReference}. Send your confirmation and your decision by e-mail to {m.Sender.ReplyAddress}; that address belongs to this notice."));
        if (m.Category == "Threats")
        {
            // DSA Art. 18(1): a hosting provider aware of a suspected offence threatening a person's life or safety must
            // inform the police; a notice about threats asks for it by name, so it cannot be read as a mere removal.
            doc.Paragraph(m.ServiceIsNotifier
                ? w.T(
                    "De inhoud bevat een bedreiging van het leven of de veiligheid van de persoon namens wie wij melden. Wij verzoeken u daarom ook onverwijld de politie of het Openbaar Ministerie te informeren en alle beschikbare relevante informatie te verstrekken (artikel 18, eerste lid, DSA).",
                    "The content threatens the life or safety of the person on whose behalf we notify you. We therefore also ask you to inform the law enforcement or judicial authorities promptly and to provide all relevant information available (Article 18(1) DSA).")
                : w.T(
                "De inhoud bevat een bedreiging van het leven of de veiligheid van de melder. Wij verzoeken u daarom ook onverwijld de politie of het Openbaar Ministerie te informeren en alle beschikbare relevante informatie te verstrekken (artikel 18, eerste lid, DSA).",
                "The content threatens the notifier's life or safety. We therefore also ask you to inform the law enforcement or judicial authorities promptly and to provide all relevant information available (Article 18(1) DSA)."));
        }
        doc
            .Heading(w.T("Waarom deze melding weinig persoonsgegevens bevat", "Why this notice contains little personal data"))
            .Paragraph(m.ServiceIsNotifier
                ? w.T(
                    "Wij zijn zelf de melder en noemen de persoon namens wie wij melden niet: die persoon wordt lastiggevallen, en elk extra gegeven vergroot het risico. Deze melding bevat niet meer dan artikel 16, tweede lid, DSA vereist. Neem over deze melding uitsluitend contact met ons op.",
                    "We are the notifier ourselves and do not name the person on whose behalf we notify you: that person is being harassed, and every additional detail adds to the risk. This notice contains no more than Article 16(2) DSA requires. Please contact only us about this notice.")
                : w.T(
                    "Wij sturen deze melding vanuit ons eigen adres, namens de melder. Zij bevat niet meer dan artikel 16, tweede lid, DSA vereist: de melder wordt lastiggevallen, en elk extra gegeven vergroot het risico. Neem over deze melding uitsluitend contact met ons op.",
                    "We send this notice from our own address, on behalf of the notifier. It contains no more than Article 16(2) DSA requires: the notifier is being harassed, and every additional detail adds to the risk. Please contact only us about this notice."));
        return (subject, Closing(doc, w, m.Sender, m.ServiceIsNotifier ? null : m.NotifierName, formal: false));
    }

    /// <summary>
    /// DSA Art. 20 internal complaint by e-mail: the notice and the decision it contests, the grounds as written, and
    /// what Art. 20(4) and (5) oblige the platform to do with it.
    /// </summary>
    private static (string, LetterDocument) PlatformComplaint(PlatformComplaintModel m, Words w)
    {
        var subject = w.T(
            $"Klacht tegen uw besluit op onze melding (art. 20 DSA) - kenmerk {m.CaseReference}",
            $"Complaint against your decision on our notice (Art. 20 DSA) - reference {m.CaseReference}");
        var doc = Header(m, w, subject, registeredPost: false)
            .Paragraph(w.T("Geachte heer, mevrouw,", "Dear Sir or Madam,"))
            .Paragraph(m.ServiceIsNotifier
                ? w.T(
                    $"Op {w.Date(m.NoticeSentOn)} meldden wij, {m.NotifierName} (hierna: de melder), u illegale inhoud op uw dienst (artikel 16 van de digitaledienstenverordening, DSA), onder ons kenmerk {m.CaseReference}, namens een persoon die door deze inhoud wordt getroffen. Op {w.Date(m.RefusedOn)} besloot u de inhoud niet te verwijderen en niet ontoegankelijk te maken. Als melder dienen wij hierbij een klacht in tegen dat besluit, via uw interne klachtenafhandelingssysteem (artikel 20 DSA).",
                    $"On {w.Date(m.NoticeSentOn)} we, {m.NotifierName} (the notifier), notified you of illegal content on your service (Article 16 of the Digital Services Act, DSA), under our reference {m.CaseReference}, on behalf of a person affected by this content. On {w.Date(m.RefusedOn)} you decided not to remove the content or disable access to it. As the notifier we hereby lodge a complaint against that decision through your internal complaint-handling system (Article 20 DSA).")
                : w.T(
                $"Op {w.Date(m.NoticeSentOn)} meldden wij u namens {m.NotifierName} (hierna: de melder) illegale inhoud op uw dienst (artikel 16 van de digitaledienstenverordening, DSA), onder ons kenmerk {m.CaseReference}. Op {w.Date(m.RefusedOn)} besloot u de inhoud niet te verwijderen en niet ontoegankelijk te maken. Namens de melder dienen wij hierbij een klacht in tegen dat besluit, via uw interne klachtenafhandelingssysteem (artikel 20 DSA).",
                $"On {w.Date(m.NoticeSentOn)} we notified you, on behalf of {m.NotifierName} (the notifier), of illegal content on your service (Article 16 of the Digital Services Act, DSA), under our reference {m.CaseReference}. On {w.Date(m.RefusedOn)} you decided not to remove the content or disable access to it. On behalf of the notifier we hereby lodge a complaint against that decision through your internal complaint-handling system (Article 20 DSA)."))
            .Heading(w.T("De inhoud waar het om gaat", "The content concerned"))
            .Paragraph(w.T("De exacte adressen (URL's), zoals in onze melding:", "The exact addresses (URLs), as in our notice:"))
            .Bullets(m.Urls)
            .Heading(w.T("Waarom uw besluit niet juist is", "Why your decision is wrong"))
            .Paragraph(m.Grounds)
            .Heading(w.T("Wat wij van u vragen", "What we ask of you"))
            .Paragraph(w.T(
                $"Als online platform dat geen micro- of kleine onderneming is (artikel 19 DSA), verplicht artikel 20, vierde lid, DSA u deze klacht tijdig, niet-discriminerend, zorgvuldig en niet-willekeurig te behandelen, en uw besluit zonder onnodige vertraging terug te draaien wanneer de klacht daarvoor voldoende gronden bevat; het besluit mag niet uitsluitend geautomatiseerd worden genomen (artikel 20, zesde lid, DSA). Wij vragen u de inhoud alsnog te verwijderen of ontoegankelijk te maken, en ons uw gemotiveerde besluit over deze klacht zonder onnodige vertraging mee te delen, met de mogelijkheid van buitengerechtelijke geschillenbeslechting (artikel 21 DSA) en de andere beschikbare verhaalsmogelijkheden (artikel 20, vijfde lid, DSA). Valt uw dienst niet onder artikel 20, dan vragen wij u uw besluit op dezelfde gronden te heroverwegen en ons uw antwoord en de beschikbare verhaalsmogelijkheden mee te delen (artikel 16, vijfde lid, DSA). Stuur uw antwoord per e-mail naar {m.Sender.ReplyAddress}, met vermelding van ons kenmerk {m.CaseReference}.",
                $"As an online platform that is not a micro or small enterprise (Article 19 DSA), Article 20(4) DSA obliges you to handle this complaint in a timely, non-discriminatory, diligent and non-arbitrary manner, and to reverse your decision without undue delay where the complaint contains sufficient grounds; the decision may not be taken solely by automated means (Article 20(6) DSA). We ask you to remove the content or disable access to it after all, and to inform us without undue delay of your reasoned decision on this complaint, of the possibility of out-of-court dispute settlement (Article 21 DSA) and of the other available possibilities for redress (Article 20(5) DSA). If your service does not fall under Article 20, we ask you to reconsider your decision on the same grounds and to inform us of your answer and of the possibilities for redress (Article 16(5) DSA). Please send your answer by e-mail to {m.Sender.ReplyAddress}, quoting our reference {m.CaseReference}."))
            .Heading(w.T("Waarom deze klacht weinig persoonsgegevens bevat", "Why this complaint contains little personal data"))
            .Paragraph(m.ServiceIsNotifier
                ? w.T(
                    "Wij noemen de persoon namens wie wij melden niet: die persoon wordt lastiggevallen, en elk extra gegeven vergroot het risico. Deze klacht bevat niet meer dan nodig is om uw besluit te heroverwegen. Neem over deze klacht uitsluitend contact met ons op.",
                    "We do not name the person on whose behalf we notified you: that person is being harassed, and every additional detail adds to the risk. This complaint contains no more than is needed to reconsider the decision. Please contact only us about this complaint.")
                : w.T(
                    "Wij sturen deze klacht vanuit ons eigen adres, namens de melder. Zij bevat niet meer dan nodig is om uw besluit te heroverwegen: de melder wordt lastiggevallen, en elk extra gegeven vergroot het risico. Neem over deze klacht uitsluitend contact met ons op.",
                    "We send this complaint from our own address, on behalf of the notifier. It contains no more than is needed to reconsider the decision: the notifier is being harassed, and every additional detail adds to the risk. Please contact only us about this complaint."));
        return (subject, Closing(doc, w, m.Sender, m.ServiceIsNotifier ? null : m.NotifierName, formal: false));
    }

    private static string CategoryText(string category, Words w) => category switch
    {
        "Doxing" => w.T("verspreiding van identificerende persoonsgegevens om iemand vrees aan te jagen (doxing, artikel 285d Wetboek van Strafrecht)",
            "spreading identifying personal data to intimidate someone (doxing, Article 285d of the Dutch Criminal Code)"),
        "Stalking" => w.T("belaging (artikel 285b Wetboek van Strafrecht)", "stalking (Article 285b of the Dutch Criminal Code)"),
        // Since 1 July 2024 (Wet seksuele misdrijven) art. 254ba Sr; art. 139h Sr, where it stood before, is repealed.
        "IntimateImages" => w.T("misbruik van seksueel beeldmateriaal (artikel 254ba Wetboek van Strafrecht)",
            "misuse of sexual images (Article 254ba of the Dutch Criminal Code)"),
        "Threats" => w.T("bedreiging (artikel 285 Wetboek van Strafrecht)", "threats (Article 285 of the Dutch Criminal Code)"),
        _ => category,
    };

    private static LetterDocument Header(LetterModel m, Words w, string subject, bool registeredPost)
    {
        var doc = new LetterDocument();
        if (registeredPost)
        {
            doc.Lines(w.T("AANGETEKEND", "BY REGISTERED POST"));
        }
        var sender = new List<string> { m.Sender.Name, m.Sender.ReplyAddress };
        if (m.Sender.Website is { } website)
        {
            sender.Add(website);
        }
        return doc.Lines(sender)
            .Lines([m.Recipient.Name, .. m.Recipient.PostalAddress])
            .Lines(
                $"{w.T("Datum", "Date")}: {w.Date(m.LetterDate)}",
                $"{w.T("Ons kenmerk", "Our reference")}: {m.CaseReference}",
                $"{w.T("Betreft", "Subject")}: {subject}");
    }

    private static void Deadline(LetterDocument doc, Words w, DeadlineText deadline) =>
        doc.Paragraph(w.T(
                $"U moet onverwijld en in ieder geval binnen een maand na ontvangst van dit verzoek laten weten wat u met het verzoek hebt gedaan (artikel 12, derde lid, AVG). Wij verwachten uw antwoord uiterlijk op {w.Date(deadline.DueDate)}. {deadline.ExplanationNl}",
                $"You must tell us what action you have taken on this request without undue delay and in any event within one month of receiving it (Article 12(3) GDPR). We expect your answer no later than {w.Date(deadline.DueDate)}. {deadline.ExplanationEn}"))
            .Paragraph(w.T(
                "Die termijn kan alleen met twee maanden worden verlengd als dat nodig is gezien de complexiteit en het aantal verzoeken, en alleen als u ons dat binnen een maand na ontvangst van het verzoek laat weten, met de redenen voor de vertraging. Gaat u niet op het verzoek in, dan moet u ons binnen een maand na ontvangst laten weten waarom niet, en dat betrokkene een klacht kan indienen bij de Autoriteit Persoonsgegevens en beroep kan instellen bij de rechter (artikel 12, vierde lid, AVG). Het verzoek is kosteloos (artikel 12, vijfde lid, AVG).",
                "That period may be extended by two further months only where necessary, taking into account the complexity and number of requests, and only if you inform us of the extension, with the reasons for the delay, within one month of receiving the request. If you do not take action on the request, you must tell us why within one month of receiving it, and that the data subject may lodge a complaint with the Dutch supervisory authority (Autoriteit Persoonsgegevens) and seek a judicial remedy (Article 12(4) GDPR). The request is free of charge (Article 12(5) GDPR)."));

    private static void Minimisation(LetterDocument doc, Words w) =>
        doc.Heading(w.T("Waarom deze brief weinig persoonsgegevens bevat", "Why this letter contains little personal data"))
            .Paragraph(w.T(
                "Wij sturen deze brief vanuit ons eigen adres, namens betrokkene. Hij bevat niet meer persoonsgegevens van betrokkene dan nodig is om de gegevens te vinden en te wissen: betrokkene wordt lastiggevallen, en elk extra gegeven dat wij zouden meesturen, zoals een woonadres of telefoonnummer, vergroot het risico. Neem daarom geen contact op met betrokkene zelf, maar uitsluitend met ons. Hebt u gerede twijfel over de identiteit van betrokkene, dan kunt u ons om aanvullende informatie vragen (artikel 12, zesde lid, AVG).",
                "We send this letter from our own address, on behalf of the data subject. It contains no more of the data subject's personal data than is needed to find and erase the data: the data subject is being harassed, and every additional detail we would send, such as a home address or phone number, adds to the risk. Please do not contact the data subject directly, only us. If you have reasonable doubts about the identity of the data subject, you may ask us for additional information (Article 12(6) GDPR)."));

    private static void NoticePrivacy(LetterDocument doc, Words w, string caseReference) =>
        doc.Paragraph(w.T(
            $"Voor uw veiligheid staan de gegevens en links waar het om gaat niet in deze e-mail: wie in uw mailbox meekijkt, ziet ze dan niet. U vindt ze in uw dossier onder kenmerk {caseReference}.",
            $"For your safety this e-mail does not contain the data and links concerned, so that anyone looking into your mailbox cannot see them. You will find them in your file under reference {caseReference}."));

    private static LetterDocument Closing(LetterDocument doc, Words w, LetterSender sender, string? onBehalfOf, bool formal)
    {
        doc.Paragraph(formal ? w.T("Hoogachtend,", "Yours sincerely,") : w.T("Met vriendelijke groet,", "Kind regards,"));
        return onBehalfOf is null
            ? doc.Lines(sender.Name)
            : doc.Lines(sender.Name, w.T($"namens {onBehalfOf}", $"on behalf of {onBehalfOf}"));
    }

    private static void Validate(LetterModel model)
    {
        _ = LetterDates.Format(model.LetterDate, model.Recipient.Language);
        Require(model.Sender.Name, "sender name");
        Require(model.Sender.ReplyAddress, "reply address");
        Require(model.Recipient.Name, "recipient name");
        Require(model.CaseReference, "case reference");
        switch (model)
        {
            case ErasureLetterModel m:
                Require(m.DataSubjectName, "data subject name");
                RequireItems(m.DataItems, "data items");
                RequireItems(m.Urls, "URLs");
                if (m.RegisteredPost && m.Recipient.PostalAddress.Count == 0)
                {
                    throw new ArgumentException("A letter for registered post needs the controller's postal address.", nameof(model));
                }
                break;
            case DeadlineReminderModel m:
                Require(m.DataSubjectName, "data subject name");
                RequireItems(m.DataItems, "data items");
                RequireItems(m.Urls, "URLs");
                break;
            case ApComplaintDossierModel m:
                Require(m.DataSubjectName, "data subject name");
                Require(m.ControllerName, "controller name");
                Require(m.ComplaintText, "complaint text");
                RequireItems(m.DataItems, "data items");
                RequireItems(m.Urls, "URLs");
                if (m.History.Count == 0)
                {
                    throw new ArgumentException("The AP dossier needs the request's history.", nameof(model));
                }
                if (m.AuthorisationText is not null)
                {
                    Require(m.AuthorisationText, "authorisation text");
                }
                break;
            case CeaseAndDesistModel m:
                Require(m.VictimName, "victim name");
                RequireItems(m.Conduct, "conduct");
                if (m.Recipient.PostalAddress.Count == 0)
                {
                    throw new ArgumentException("A cease-and-desist letter goes by registered post: the postal address is required.", nameof(model));
                }
                if (m.PublishedUrls.Count > 0 && m.RemovalDeadline is null)
                {
                    throw new ArgumentException("Published URLs need a removal deadline.", nameof(model));
                }
                break;
            case VictimNoticeSentModel m:
                Require(m.ControllerName, "controller name");
                break;
            case VictimNoticeAnsweredModel m:
                Require(m.ControllerName, "controller name");
                Require(m.AnswerSummaryNl, "Dutch answer summary");
                Require(m.AnswerSummaryEn, "English answer summary");
                break;
            case VictimNoticeDeadlineMissedModel m:
                Require(m.ControllerName, "controller name");
                break;
            case VictimNoticeReminderWaitingModel m:
                Require(m.ControllerName, "controller name");
                break;
            case IdentityCheckAnswerModel m:
                Require(m.DataSubjectName, "data subject name");
                Require(m.AuthorisationText, "authorisation text");
                break;
            case PlatformComplaintModel m:
                Require(m.Grounds, "grounds");
                Require(m.NotifierName, "notifier name");
                RequireItems(m.Urls, "URLs");
                break;
            case PlatformNoticeModel m:
                Require(m.Category, "category");
                Require(m.Explanation, "explanation");
                Require(m.NotifierName, "notifier name");
                Require(m.NotifierEmail, "notifier e-mail address");
                RequireItems(m.Urls, "URLs");
                break;
        }
    }

    private static void Require(string value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"The letter needs a {what}.");
        }
    }

    private static void RequireItems(IReadOnlyList<string> items, string what)
    {
        if (items.Count == 0 || items.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"The letter needs its {what}, none of them empty.");
        }
    }

    /// <summary>Picks the text in the recipient's language.</summary>
    private readonly struct Words(string language)
    {
        private readonly bool dutch = language == "nl";

        public string T(string nl, string en) => dutch ? nl : en;

        public string Date(DateOnly date) => LetterDates.Format(date, language);
    }
}
