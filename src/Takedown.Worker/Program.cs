using Takedown.Application;
using Takedown.Application.Messaging;
using Takedown.ServiceDefaults;

// The worker: handles the outbox's messages (letters, platform filings, deadline checks and escalations) and runs
// the asynchronous projections. Run as many as needed against one database; they share the work through row locks.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddTakedownCore(builder.Configuration, runProjectionDaemon: true);
builder.Services.AddTakedownMessaging(builder.Configuration);
builder.Services.AddTakedownWorker(builder.Configuration);
builder.Services.AddHealthChecks().AddPostgresReadiness();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
