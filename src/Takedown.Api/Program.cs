using JasperFx;
using Takedown.Api.ApComplaints;
using Takedown.Api.Cases;
using Takedown.Api.ControllerDirectory;
using Takedown.Api.ErasureRequests;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Api.Operator;
using Takedown.Api.PlatformReports;
using Takedown.Api.Privacy;
using Takedown.Api.Replies;
using Takedown.Application;
using Takedown.Application.ControllerDirectory;
using Takedown.Application.Messaging;
using Takedown.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOperatorArea(builder.Configuration, args);
builder.AddServiceDefaults();
var runWorker = builder.Configuration.GetValue<bool>("Worker:RunInProcess");
var marten = builder.Services.AddTakedownCore(builder.Configuration, runProjectionDaemon: runWorker);
builder.Services.AddTakedownMessaging(builder.Configuration);
builder.AddTakedownWolverine(marten, handlesMessages: runWorker);
if (runWorker)
{
    // One process for everything: tests, and small installations. Larger ones run Takedown.Worker beside the API.
    builder.Services.AddTakedownWorker(builder.Configuration);
}
builder.Services.AddHealthChecks().AddPostgresReadiness();
builder.Services.AddTakedownApi(builder.Configuration);
builder.Services.AddControllerDirectory(builder.Configuration);

builder.Services.AddRazorPages();
builder.Services.AddPortal(builder.Configuration);

var app = builder.Build();
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment() && !app.Environment.IsEnvironment("Testing"))
{
    app.UseHsts();
}
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePortalErrorPages();
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapOpenApi();
app.MapDefaultEndpoints();
var api = app.MapApi();
api.MapCases();
api.MapErasureRequests();
api.MapPlatformReports();
api.MapApComplaints();
api.MapControllerDirectory();
Takedown.Api.Webhooks.WebhooksEndpoints.MapWebhooks(app, api);
api.MapPrivacy();
app.MapInboundMail();
app.MapOperatorApi();
app.MapOperatorDirectory();
app.MapRazorPages();
app.MapPortal();
// A verb runs Marten's commands instead of the host (db-apply, db-patch, db-assert, projections, describe; `help`
// lists them). A plain start, with or without flags such as --urls, runs the host as it always has.
if (args is [var verb, ..] && !verb.StartsWith('-'))
{
    return await app.RunJasperFxCommands(args);
}
app.Run();
return 0;

/// <summary>The API host; public for the functional tests.</summary>
public partial class Program;
