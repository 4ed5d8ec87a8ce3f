namespace Takedown.Domain;

/// <summary>
/// Marks an event property that holds a person's data (a name, an e-mail address, a URL, free text about them).
/// The event store encrypts it with the case's own key, so that deleting the case's key erases it everywhere
/// (crypto-shredding), and an export of the case includes it.
/// </summary>
/// <remarks>On a positional record parameter it applies to the parameter; readers look at both.</remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = false)]
public sealed class PersonalDataAttribute : Attribute;
