using Npgsql;
using Takedown.Application;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Portal;

/// <summary>
/// The portal's schema steps at start-up, then, in the background, the sealing of diary attachments stored before
/// attachments were sealed (<see cref="PortalDiary.SealPlaintextAttachmentsAsync"/>).
/// </summary>
internal sealed class PortalMigration(
    NpgsqlDataSource dataSource, DatabaseOptions options, PortalDiary diary, ILogger<PortalMigration> logger)
    : SchemaWithSealingPass(dataSource, options, logger)
{
    protected override string Component => PortalSchema.Component;

    protected override IReadOnlyList<string> Steps => PortalSchema.Steps;

    protected override string Rows => "diary attachments";

    protected override Task<int> SealPlaintextAsync(CancellationToken cancellationToken) => diary.SealPlaintextAttachmentsAsync(cancellationToken);
}
