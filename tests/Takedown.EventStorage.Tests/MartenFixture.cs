using JasperFx;
using Marten;
using Npgsql;
using Takedown.Application.EventStorage;
using Takedown.Application.ReadModels;
using Takedown.Application.Sealing;
using Takedown.Domain;
using JasperFx.Events;
using Takedown.Application.Storage;
using Takedown.Testing;

namespace Takedown.EventStorage.Tests;

/// <summary>
/// Marten configured as the hosts configure their events (stable event names, metadata, sealing), on a database of its
/// own with our tables (the cases' keys and which case each stream is of among them).
/// </summary>
public sealed class MartenFixture : IAsyncLifetime
{
    public const string Schema = MartenSetup.DefaultSchema;

    private readonly PostgresDatabase _database = new();

    public static readonly byte[] MasterKey = Convert.FromBase64String(PersonalDataProtection.NewMasterKey());

    public string ConnectionString => _database.ConnectionString;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public PersonalDataProtection Protection { get; } = new(
        MasterKey, PersonalDataProtection.IsMarked<PersonalDataAttribute>, PersonalDataProtection.SubjectFromProperty("CaseId"));

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public DocumentStore Store { get; private set; } = null!;

    public EventSealing Sealing { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        // Our tables (the keys, which case each stream belongs to, the read models) as the hosts create them.
        await SchemaMigrator.MigrateAsync(DataSource, "takedown", ReadModelSchema.Component, ReadModelSchema.Steps);
        Sealing = new EventSealing(Protection, DataSource, "takedown", DomainEvents.All.Values, Time);
        Store = DocumentStore.For(options => Configure(options, DataSource));
        await Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    /// <summary>The hosts' configuration on <paramref name="dataSource"/>, schema created on first use.</summary>
    public void Configure(StoreOptions options, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Connection(dataSource);
        MartenSetup.Configure(options, Schema, Sealing);
        options.Events.TimeProvider = Time;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
    }

    public async Task ResetAsync()
    {
        await Store.Advanced.Clean.DeleteAllEventDataAsync();
        await Store.Advanced.Clean.DeleteAllDocumentsAsync();
    }

    /// <summary>The stored JSON of every event of a stream, in version order, exactly as the database holds it.</summary>
    public async Task<IReadOnlyList<(string Type, string Data)>> RawEventsAsync(Guid streamId)
    {
        await using var command = DataSource.CreateCommand($"SELECT type, data::text FROM {Schema}.mt_events WHERE stream_id = $1 ORDER BY version");
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        var rows = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }
        return rows;
    }

    public async Task DisposeAsync()
    {
        Store.Dispose();
        await DataSource.DisposeAsync();
        await _database.DisposeAsync();
    }
}
