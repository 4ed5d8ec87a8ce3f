using System.Diagnostics.CodeAnalysis;

[assembly: SuppressMessage("Naming", "CA1716", Scope = "namespace", Target = "~N:Takedown.Api.Tests.Operator", Justification = "Tests mirror the Operator feature folder.")]
