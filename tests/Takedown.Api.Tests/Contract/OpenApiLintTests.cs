using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Takedown.Api.Tests.Contract;

/// <summary>
/// The OpenAPI document as the host serves it passes Redocly CLI's recommended ruleset with no error and no warning.
/// ops/test.sh installs the pinned @redocly/cli from the npm registry and names it in REDOCLY_CLI_PATH.
/// </summary>
public sealed class OpenApiLintTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_served_document_passes_the_recommended_ruleset_without_errors_or_warnings()
    {
        var redocly = Environment.GetEnvironmentVariable("REDOCLY_CLI_PATH");
        File.Exists(redocly).ShouldBeTrue("REDOCLY_CLI_PATH must name the redocly command (ops/test.sh installs @redocly/cli)");
        var folder = Directory.CreateTempSubdirectory("openapi-lint-");
        try
        {
            var file = Path.Combine(folder.FullName, "openapi.json");
            await File.WriteAllTextAsync(file, await factory.ClientFor(ApiFactory.PartnerKey).GetStringAsync("/openapi/v1.json"));

            var start = new ProcessStartInfo(redocly!)
            {
                // In a folder of its own, so no redocly.yaml from elsewhere changes the rules.
                WorkingDirectory = folder.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList = { "lint", "--extends=recommended", "--format=json", file },
            };
            start.Environment["REDOCLY_TELEMETRY"] = "off";
            start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);

            var report = JsonNode.Parse(await output).ShouldNotBeNull(await error);
            var problems = report["problems"]!.AsArray()
                .Select(p => $"{p!["severity"]} {p["ruleId"]} at {p["location"]?[0]?["pointer"]}: {p["message"]}")
                .ToList();
            problems.ShouldBeEmpty(string.Join("\n", problems));
            process.ExitCode.ShouldBe(0, await error);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
