using Takedown.Sandbox;

SandboxApp.Build(args).Run();

public partial class Program;
