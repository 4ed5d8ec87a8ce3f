namespace Takedown.Messaging;

/// <summary>
/// The stable name a message is stored under (<c>"deadline-check"</c>). Stored rows outlive refactorings,
/// so the CLR type name is never used.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class MessageTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
