using JasperFx;
using Takedown.Application;
using Takedown.Application.Messaging;
using Takedown.ServiceDefaults;

// The worker: handles the outbox's messages (letters, platform filings, deadline checks and escalations) and runs
// the asynchronous projections. Run as many as needed against one database; they share the work through row locks.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
var marten = builder.Services.AddTakedownCore(builder.Configuration, runProjectionDaemon: true);
builder.Services.AddTakedownMessaging(builder.Configuration);
builder.AddTakedownWolverine(marten, handlesMessages: true);
builder.Services.AddTakedownWorker(builder.Configuration);
builder.Services.AddHealthChecks().AddPostgresReadiness();

var app = builder.Build();
app.MapDefaultEndpoints();
// A verb runs Marten's commands instead of the host (db-apply, db-patch, db-assert, projections, describe; `help`
// lists them). A plain start, with or without flags such as --urls, runs the host as it always has.
if (args is [var verb, ..] && !verb.StartsWith('-'))
{
    return await app.RunJasperFxCommands(args);
}
app.Run();
return 0;
