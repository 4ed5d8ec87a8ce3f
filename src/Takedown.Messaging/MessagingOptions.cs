using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Takedown.Messaging;

/// <summary>Settings for <see cref="MessagingServiceCollectionExtensions.AddMessaging"/>.</summary>
public sealed partial class MessagingOptions
{
    private readonly List<Assembly> _handlerAssemblies = [];
    private readonly Dictionary<Type, string> _names = [];
    private readonly Dictionary<Type, RetryPolicy> _policies = [];

    /// <summary>The PostgreSQL database the messages live in (usually the event store's).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The schema of the messaging tables; a plain lower-case identifier.</summary>
    public string Schema { get; set; } = "takedown";

    /// <summary>Used for message types without a <see cref="Policy{TMessage}"/> of their own.</summary>
    public RetryPolicy DefaultPolicy { get; set; } = RetryPolicy.Default;

    /// <summary>How long a claimed message belongs to its worker; after that another worker may take it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a worker waits before looking again when no notification arrives.</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a handled message's id is remembered to drop duplicate deliveries. Must exceed any redelivery
    /// window (leases, replays); after it the id may be handled again.
    /// </summary>
    public TimeSpan ProcessedRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often a worker forgets processed ids older than <see cref="ProcessedRetention"/>.</summary>
    public TimeSpan ProcessedCleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Messages claimed in one go by one loop of a worker.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>Claim-and-handle loops run side by side in one worker process.</summary>
    public int WorkerConcurrency { get; set; } = 2;

    /// <summary>A name for this worker in the lease column (defaults to host name, process id and a random part).</summary>
    public string? WorkerName { get; set; }

    /// <summary>How message bodies are written and read.</summary>
    public JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    private readonly HashSet<Type> _skipped = [];

    internal IReadOnlyList<Assembly> HandlerAssemblies => _handlerAssemblies;

    internal IReadOnlyDictionary<Type, string> Names => _names;

    /// <summary>Looks for handlers (classes named <c>…Handler</c> with a <c>Handle</c>/<c>HandleAsync</c> method) in these assemblies.</summary>
    public MessagingOptions Discover(params Assembly[] assemblies)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        _handlerAssemblies.AddRange(assemblies.Except(_handlerAssemblies));
        return this;
    }

    /// <summary>Handler types found by <see cref="Discover"/> that this engine leaves alone (another engine runs them).</summary>
    public MessagingOptions Skip(params Type[] handlerTypes)
    {
        ArgumentNullException.ThrowIfNull(handlerTypes);
        _skipped.UnionWith(handlerTypes);
        return this;
    }

    internal bool IsSkipped(Type handlerType) => _skipped.Contains(handlerType);

    /// <summary>Names a message type that has no <see cref="MessageTypeAttribute"/> (e.g. one from another library).</summary>
    public MessagingOptions Message<TMessage>(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _names[typeof(TMessage)] = name;
        return this;
    }

    /// <summary>The retry policy of one message type.</summary>
    /// <param name="retries">Tries after the first delivery before the message is dead-lettered (0: dead-letter on the first failure).</param>
    /// <param name="firstDelay">The wait after the first failure (default 1 second); it doubles after each further failure.</param>
    /// <param name="maxDelay">The longest wait between tries (default 5 minutes).</param>
    public MessagingOptions Policy<TMessage>(int retries, TimeSpan? firstDelay = null, TimeSpan? maxDelay = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        _policies[typeof(TMessage)] = new RetryPolicy(
            retries + 1,
            firstDelay ?? RetryPolicy.Default.FirstDelay,
            maxDelay ?? RetryPolicy.Default.MaxDelay);
        return this;
    }

    internal RetryPolicy PolicyFor(Type messageType) =>
        _policies.TryGetValue(messageType, out var policy) ? policy : DefaultPolicy;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException("Messaging needs a ConnectionString.");
        }
        // The schema name is spliced into SQL text, so only a plain identifier is allowed.
        if (!IdentifierPattern().IsMatch(Schema))
        {
            throw new InvalidOperationException($"Messaging schema '{Schema}' must be a lower-case identifier.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(WorkerConcurrency, 1, nameof(WorkerConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LeaseDuration, TimeSpan.Zero, nameof(LeaseDuration));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollingInterval, TimeSpan.Zero, nameof(PollingInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ProcessedCleanupInterval, TimeSpan.Zero, nameof(ProcessedCleanupInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(ProcessedRetention, LeaseDuration * 2, nameof(ProcessedRetention));
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,40}$")]
    private static partial Regex IdentifierPattern();
}
