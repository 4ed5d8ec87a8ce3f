using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Takedown.Messaging;

/// <summary>
/// The handlers found by convention and the stable names of the message types. A handler is a class whose name
/// ends in <c>Handler</c> with a public <c>Handle</c> or <c>HandleAsync</c> method (static or not) whose first
/// parameter is the message; its other parameters are the <see cref="MessageContext"/>, a
/// <see cref="CancellationToken"/>, the <see cref="NpgsqlConnection"/>/<see cref="NpgsqlTransaction"/> of the
/// message, or services.
/// </summary>
internal sealed class HandlerRegistry
{
    private readonly Dictionary<Type, MessageHandler> _byType = [];
    private readonly Dictionary<string, MessageHandler> _byName = new(StringComparer.Ordinal);
    // Read on every publish from many threads; names of attribute-only types are added on first use.
    private readonly ConcurrentDictionary<Type, string> _names = [];
    private readonly Dictionary<string, Type> _typesByName = new(StringComparer.Ordinal);

    public HandlerRegistry(MessagingOptions options)
    {
        foreach (var (type, name) in options.Names)
        {
            AddName(type, name);
        }
        foreach (var method in options.HandlerAssemblies.SelectMany(FindHandlerMethods).Where(m => !options.IsSkipped(m.DeclaringType!)))
        {
            var messageType = method.GetParameters()[0].ParameterType;
            var name = NameOf(messageType);
            if (_byType.TryGetValue(messageType, out var existing))
            {
                throw new InvalidOperationException(
                    $"Message '{name}' has two handlers: {existing.Method.DeclaringType!.FullName}.{existing.Method.Name} " +
                    $"and {method.DeclaringType!.FullName}.{method.Name}. A message type has exactly one.");
            }
            var handler = new MessageHandler(messageType, name, method, options.PolicyFor(messageType));
            _byType[messageType] = handler;
            _byName[name] = handler;
        }
    }

    public IReadOnlyCollection<MessageHandler> Handlers => _byType.Values;

    public MessageHandler? Find(string messageTypeName) => _byName.GetValueOrDefault(messageTypeName);

    /// <summary>The stored name of a message type: from its attribute or its registration, never its CLR name.</summary>
    public string NameOf(Type messageType)
    {
        if (_names.TryGetValue(messageType, out var name))
        {
            return name;
        }
        var attribute = messageType.GetCustomAttribute<MessageTypeAttribute>()
            ?? throw new InvalidOperationException(
                $"{messageType.FullName} has no stable message name: add [MessageType(\"…\")] or register it with options.Message<T>(name).");
        AddName(messageType, attribute.Name);
        return attribute.Name;
    }

    private void AddName(Type type, string name)
    {
        lock (_typesByName)
        {
            if (_typesByName.TryGetValue(name, out var other) && other != type)
            {
                throw new InvalidOperationException($"Message name '{name}' is used by both {other.FullName} and {type.FullName}.");
            }
            _typesByName[name] = type;
            _names[type] = name;
        }
    }

    private static IEnumerable<MethodInfo> FindHandlerMethods(Assembly assembly) =>
        from type in assembly.GetTypes()
        where type.IsClass && !type.IsGenericTypeDefinition && type.Name.EndsWith("Handler", StringComparison.Ordinal)
              && (type.IsPublic || type.IsNestedPublic)
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        where method.Name is "Handle" or "HandleAsync" && method.GetParameters().Length > 0
              && (method.IsStatic || !type.IsAbstract)
        select method;
}

/// <summary>One message type's handler method and how to call it.</summary>
internal sealed class MessageHandler(Type messageType, string name, MethodInfo method, RetryPolicy policy)
{
    private readonly Type[] _parameters = [.. method.GetParameters().Select(p => p.ParameterType)];

    public Type MessageType { get; } = messageType;

    public string Name { get; } = name;

    public MethodInfo Method { get; } = method;

    public RetryPolicy Policy { get; } = policy;

    /// <summary>The service types this handler's method asks DI for (the rest the worker supplies).</summary>
    public IEnumerable<Type> Services => _parameters.Skip(1).Where(t => !IsSupplied(t));

    private static bool IsSupplied(Type type) =>
        type == typeof(MessageContext) || type == typeof(IMessageOutbox) || type == typeof(CancellationToken)
        || type == typeof(NpgsqlConnection) || type == typeof(NpgsqlTransaction);

    private static object SuppliedArgument(Type type, MessageContext context, CancellationToken cancellationToken) =>
        type == typeof(CancellationToken) ? cancellationToken
        : type == typeof(NpgsqlConnection) ? context.Connection
        : type == typeof(NpgsqlTransaction) ? context.Transaction
        : context;

    public async Task InvokeAsync(object message, MessageContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var arguments = new object?[_parameters.Length];
        arguments[0] = message;
        for (var i = 1; i < _parameters.Length; i++)
        {
            var type = _parameters[i];
            arguments[i] = IsSupplied(type) ? SuppliedArgument(type, context, cancellationToken) : services.GetRequiredService(type);
        }
        var target = Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, Method.DeclaringType!);
        var result = Method.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        switch (result)
        {
            case Task task:
                await task.ConfigureAwait(false);
                break;
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                break;
        }
    }
}
