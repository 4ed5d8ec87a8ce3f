using System.Text.Json;

namespace Takedown.Domain.Tests;

public partial class DomainEventsTests
{
    private static object SampleValue(Type type) => type switch
    {
        _ when type == typeof(Guid) => Guid.Parse("0b5e55ed-0000-4000-8000-000000000001"),
        _ when type == typeof(string) => "text",
        _ when type == typeof(bool) => true,
        _ when type == typeof(double) => 0.75,
        _ when type == typeof(DateTimeOffset) => new DateTimeOffset(2025, 3, 30, 3, 15, 0, TimeSpan.FromHours(2)),
        _ when type == typeof(DateOnly) || type == typeof(DateOnly?) => new DateOnly(2025, 2, 28),
        _ when Nullable.GetUnderlyingType(type) is { IsEnum: true } inner => Enum.GetValues(inner).GetValue(Enum.GetValues(inner).Length - 1)!,
        _ when type.IsEnum => Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1)!,
        _ when type == typeof(IReadOnlyList<string>) => new List<string> { "first", "second" },
        _ when type == typeof(int) => 3,
        _ when type == typeof(int?) => 4,
        _ when type == typeof(TimeOnly?) => new TimeOnly(21, 30),
        _ when type == typeof(IReadOnlyList<Takedown.Domain.EvidenceDiaries.DiaryAttachment>) =>
            new List<Takedown.Domain.EvidenceDiaries.DiaryAttachment> { new(Guid.Parse("0b5e55ed-0000-4000-8000-000000000002"), "photo.jpg", "image/jpeg", 1234, "ab12") },
        _ => throw new InvalidOperationException($"No sample for {type}"),
    };

    [Fact]
    public void Every_event_survives_a_round_trip_through_System_Text_Json()
    {
        foreach (var (name, type) in DomainEvents.All)
        {
            var constructor = type.GetConstructors().Single();
            var @event = constructor.Invoke([.. constructor.GetParameters().Select(p => SampleValue(p.ParameterType))]);

            var json = JsonSerializer.Serialize(@event, type);
            var back = JsonSerializer.Deserialize(json, type);

            JsonSerializer.Serialize(back, type).ShouldBe(json, name);
        }
    }
}
