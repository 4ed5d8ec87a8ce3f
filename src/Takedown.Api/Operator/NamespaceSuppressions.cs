using System.Diagnostics.CodeAnalysis;

// "Operator" is the product's word for the people working the queue; the folder names the feature (style rule 2).
[assembly: SuppressMessage("Naming", "CA1716", Scope = "namespace", Target = "~N:Takedown.Api.Operator", Justification = "Feature folder named after the domain role.")]
[assembly: SuppressMessage("Naming", "CA1716", Scope = "namespace", Target = "~N:Takedown.Api.Pages.Operator", Justification = "Feature folder named after the domain role.")]
