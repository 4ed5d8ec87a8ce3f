using System.Reflection;
using System.Text.RegularExpressions;

namespace Takedown.Domain.Tests;

public partial class DomainEventsTests
{
    private static readonly string[] AggregateNamespaces =
        ["Takedown.Domain.Cases", "Takedown.Domain.ErasureRequests", "Takedown.Domain.PlatformReports", "Takedown.Domain.ApComplaints", "Takedown.Domain.Letters", "Takedown.Domain.Operators", "Takedown.Domain.EvidenceDiaries"];

    // An event is a sealed record in an aggregate folder that carries a non-nullable "...At" timestamp and no "Now".
    private static IEnumerable<Type> EventRecordsInAssembly() =>
        typeof(DomainEvents).Assembly.GetTypes().Where(t =>
            t is { IsSealed: true, IsClass: true }
            && AggregateNamespaces.Contains(t.Namespace)
            && t.GetMethod("<Clone>$") is not null
            && t.GetProperty("Now") is null
            && t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => p.PropertyType == typeof(DateTimeOffset) && p.Name.EndsWith("At", StringComparison.Ordinal)));

    [Fact]
    public void Every_event_record_has_a_stored_name()
    {
        var unnamed = EventRecordsInAssembly().Except(DomainEvents.All.Values).Select(t => t.Name).ToList();

        unnamed.ShouldBeEmpty();
        EventRecordsInAssembly().Count().ShouldBe(DomainEvents.All.Count);
    }

    [Fact]
    public void Names_are_unique_kebab_case_and_each_type_has_one_name()
    {
        DomainEvents.All.Keys.ShouldAllBe(name => KebabCase().IsMatch(name));
        DomainEvents.All.Values.Distinct().Count().ShouldBe(DomainEvents.All.Count);
    }

    [Fact]
    public void Names_the_product_speaks_of_are_there()
    {
        DomainEvents.All["case-opened"].Name.ShouldBe("CaseOpened");
        DomainEvents.All["erasure-request-sent"].Name.ShouldBe("ErasureRequestSent");
        DomainEvents.All["platform-report-filed"].Name.ShouldBe("PlatformReportFiled");
        DomainEvents.All["ap-complaint-lodged"].Name.ShouldBe("ApComplaintLodged");
        DomainEvents.All["deadline-missed"].Name.ShouldBe("DeadlineMissed");
        DomainEvents.NameOf(typeof(Takedown.Domain.ErasureRequests.ExtensionClaimed)).ShouldBe("extension-claimed");
    }

    [Fact]
    public void Every_event_carries_its_stream_id_first()
    {
        DomainEvents.All.Values.ShouldAllBe(t =>
            t.GetConstructors().Single().GetParameters()[0].ParameterType == typeof(Guid)
            && t.GetConstructors().Single().GetParameters()[0].Name!.EndsWith("Id", StringComparison.Ordinal));
    }

    [GeneratedRegex("^[a-z]+(-[a-z]+)*$")]
    private static partial Regex KebabCase();
}
