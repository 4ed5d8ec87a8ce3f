using Takedown.Application.ErasureRequests;

namespace Takedown.Api.Tests.ControllerDirectory;

/// <summary>The AP complaint about a controller established in another member state says why the AP is the right authority.</summary>
public sealed class CrossBorderComplaintTests
{
    [Fact]
    public void A_controller_in_Ireland_gets_the_habitual_residence_and_lead_authority_explanation()
    {
        var note = ApComplaintEscalation.CrossBorderNote("IE");

        note.ShouldContain("(IE)");
        note.ShouldContain("artikel 77, eerste lid, AVG");
        note.ShouldContain("artikelen 56, eerste lid, en 60 AVG");
    }

    [Fact]
    public void A_Dutch_controller_needs_no_explanation() => ApComplaintEscalation.CrossBorderNote("nl").ShouldBeEmpty();
}
