using Microsoft.Extensions.DependencyInjection;
using Takedown.Messaging.Tests.Support;

namespace Takedown.Messaging.Tests;

public sealed class HandlerTests
{
    [Fact]
    public void A_handler_is_plain_code_that_runs_without_the_bus()
    {
        var outbox = new RecordingOutbox();

        StartChainHandler.Handle(new StartChain(1), outbox);

        outbox.Published.ShouldBe([new RecordEffect(2)]);
    }

    [Fact]
    public void Handlers_are_found_by_convention_one_per_message_type_under_stable_names()
    {
        var options = new MessagingOptions { ConnectionString = "Host=unused" }.Discover(typeof(HandlerTests).Assembly);

        var registry = new HandlerRegistry(options);

        registry.Handlers.Select(h => h.Name).Order().ShouldBe(["test-always-fails", "test-record-effect", "test-rejected", "test-start-chain"]);
        registry.Find("test-always-fails")!.Method.DeclaringType.ShouldBe(typeof(AlwaysFailsHandler));
        registry.Find("test-always-fails")!.Services.ShouldBe([]);
        registry.Find("test-rejected")!.Services.ShouldBe([typeof(Probe)]);
    }

    [Fact]
    public void Given_two_types_under_one_stored_name_When_registered_Then_refused()
    {
        var options = new MessagingOptions { ConnectionString = "Host=unused" }
            .Message<Unnamed>("test-record-effect")
            .Discover(typeof(HandlerTests).Assembly);

        Should.Throw<InvalidOperationException>(() => new HandlerRegistry(options)).Message.ShouldContain("test-record-effect");
    }

    [Fact]
    public void Given_a_handler_needing_an_unregistered_service_When_the_worker_is_built_Then_it_refuses_to_start()
    {
        var services = new ServiceCollection()
            .AddMessaging(o => { o.ConnectionString = "Host=unused"; o.Discover(typeof(HandlerTests).Assembly); })
            .AddMessageWorker()
            .BuildServiceProvider();

        Should.Throw<InvalidOperationException>(() => services.GetRequiredService<MessageWorker>()).Message.ShouldContain(typeof(Probe).FullName!);
    }

    private sealed class RecordingOutbox : IMessageOutbox
    {
        public List<object> Published { get; } = [];

        public Guid Publish(object message)
        {
            Published.Add(message);
            return Guid.NewGuid();
        }

        public Guid Schedule(object message, DateTimeOffset at) => Publish(message);

        public void Cancel(Guid messageId)
        {
        }
    }
}
