namespace Takedown.Messaging;

/// <summary>
/// Thrown by a handler when trying again cannot help (the message refers to something that does not exist,
/// the platform refused for good): the message goes to the dead letters at once, without retries.
/// </summary>
public sealed class PermanentFailureException : Exception
{
    public PermanentFailureException()
    {
    }

    public PermanentFailureException(string message) : base(message)
    {
    }

    public PermanentFailureException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
