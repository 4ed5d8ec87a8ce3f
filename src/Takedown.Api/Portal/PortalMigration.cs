using Npgsql;
using Takedown.Application;
using Takedown.EventStore;

namespace Takedown.Api.Portal;

/// <summary>
/// The portal's schema steps at start-up, then, in the background, the sealing of diary attachments stored before
/// attachments were sealed (<see cref="PortalDiary.SealPlaintextAttachmentsAsync"/>).
/// </summary>
internal sealed class PortalMigration(
    NpgsqlDataSource dataSource, EventStoreOptions options, PortalDiary diary, ILogger<PortalMigration> logger)
    : SchemaWithSealingPass(dataSource, options, logger)
{
    protected override string Component => PortalSchema.Component;

    protected override IReadOnlyList<string> Steps => PortalSchema.Steps;

    protected override string Rows => "diary attachments";

    protected override Task<int> SealPlaintextAsync(CancellationToken cancellationToken) => diary.SealPlaintextAttachmentsAsync(cancellationToken);
}
