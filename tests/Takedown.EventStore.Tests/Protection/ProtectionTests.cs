using System.Text;
using Npgsql;
using Takedown.EventStore.Protection;
using Takedown.Testing;

namespace Takedown.EventStore.Tests.Protection;

[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class SecretAttribute : Attribute;

public sealed record PersonRecorded(Guid CaseId, [Secret] string Name, [Secret] IReadOnlyList<string> Urls, [Secret] string? Nickname, int Age, DateTimeOffset At);
public sealed record NoteAdded(Guid NoteId, [Secret] string Text, DateTimeOffset At);
public sealed record NoteStarted(Guid NoteId, Guid CaseId, DateTimeOffset At);

/// <summary>An event store with personal data protection on a database of its own.</summary>
public sealed class ProtectedStoreFixture : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public static readonly byte[] MasterKey = Convert.FromBase64String(PersonalDataProtection.NewMasterKey());

    public EventStore Store { get; private set; } = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public ManualTimeProvider Time { get; } = new();

    public RecordingPeople People { get; } = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        DataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        Store = NewStore(MasterKey);
        await Store.MigrateAsync();
    }

    /// <summary>Another process's store on the same database: its own caches, the given master key (and ones being rotated out).</summary>
    public EventStore NewStore(byte[] masterKey, params byte[][] previousMasterKeys)
    {
        var options = new EventStoreOptions
        {
            Protection = new PersonalDataProtection(
                masterKey, previousMasterKeys, PersonalDataProtection.IsMarked<SecretAttribute>, PersonalDataProtection.SubjectFromProperty("CaseId")),
        };
        options.Event<PersonRecorded>("person-recorded").Event<NoteAdded>("note-added").Event<NoteStarted>("note-started");
        options.Projection(People);
        return new EventStore(DataSource, options, Time);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>An asynchronous projection that keeps what it was given, to show the daemon reads protected events.</summary>
public sealed class RecordingPeople : IProjection
{
    public List<object> Seen { get; } = [];

    public string Name => "people";

    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Async;

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        Seen.AddRange(events.Select(e => e.Data));
        return Task.CompletedTask;
    }

    public Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        Seen.Clear();
        return Task.CompletedTask;
    }
}

public sealed class ProtectionTests(ProtectedStoreFixture fixture) : IClassFixture<ProtectedStoreFixture>, IAsyncLifetime
{
    private const string Name = "Jolanda Kwetsbaar";
    private const string Url = "https://forum.example/doxx/jolanda-kwetsbaar";
    private const string Note = "woont sinds maart op de Lindelaan 7";

    private EventStore Store => fixture.Store;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    public async Task InitializeAsync()
    {
        await using var command = fixture.DataSource.CreateCommand(
            "TRUNCATE takedown.events, takedown.streams, takedown.documents, takedown.projection_progress, takedown.encryption_keys");
        await command.ExecuteNonQueryAsync();
        fixture.People.Seen.Clear();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Personal_data_is_stored_encrypted_and_read_back_in_the_clear()
    {
        var caseId = Guid.NewGuid();
        await StartPersonAsync(caseId);

        var raw = await RawTextAsync();
        raw.ShouldNotContain(Name);
        raw.ShouldNotContain("forum.example");
        raw.ShouldNotContain("Jolly");
        raw.ShouldContain("\"$enc\"");
        raw.ShouldContain(caseId.ToString());

        var events = await Store.FetchStreamAsync(caseId);
        events.Single().Data.ShouldBeOfType<PersonRecorded>().ShouldSatisfyAllConditions(
            p => p.Name.ShouldBe(Name), p => p.Urls.ShouldBe([Url]), p => p.Nickname.ShouldBe("Jolly"), p => p.Age.ShouldBe(34));
    }

    [Fact]
    public async Task Destroying_the_key_erases_the_personal_data_of_every_stream_of_the_subject_and_reading_never_fails()
    {
        var caseId = Guid.NewGuid();
        var noteId = Guid.NewGuid();
        var otherCase = Guid.NewGuid();
        await StartPersonAsync(caseId);
        await StartPersonAsync(otherCase);
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream(noteId, new NoteStarted(noteId, caseId, Now));
            await session.SaveChangesAsync();
        }
        await using (var session = Store.LightweightSession())
        {
            // The note's own event names no case: it is encrypted for the stream's subject.
            session.Events.Append(noteId, new NoteAdded(noteId, Note, Now));
            await session.SaveChangesAsync();
        }
        (await Store.FetchStreamAsync(noteId))[1].Data.ShouldBe(new NoteAdded(noteId, Note, Now));

        await DestroyAsync(Store, caseId);

        var person = (await Store.FetchStreamAsync(caseId)).Single().Data.ShouldBeOfType<PersonRecorded>();
        person.ShouldBe(new PersonRecorded(caseId, PersonalDataProtection.Erased, [], PersonalDataProtection.Erased, 34, Now), new PersonComparer());
        (await Store.FetchStreamAsync(noteId))[1].Data.ShouldBe(new NoteAdded(noteId, PersonalDataProtection.Erased, Now));
        var other = (await Store.FetchStreamAsync(otherCase)).Single().Data.ShouldBeOfType<PersonRecorded>();
        other.Name.ShouldBe(Name);

        // Another process (fresh caches) sees the same; so does the projection daemon.
        var elsewhere = fixture.NewStore(ProtectedStoreFixture.MasterKey);
        (await elsewhere.FetchStreamAsync(caseId)).Single().Data.ShouldBeOfType<PersonRecorded>().Name.ShouldBe(PersonalDataProtection.Erased);
        var daemon = new ProjectionDaemon(Store, Microsoft.Extensions.Logging.Abstractions.NullLogger<ProjectionDaemon>.Instance);
        // A transaction of another test class may hold the horizon back for a moment: wait for it, never skip.
        long applied = 0;
        for (var attempt = 0; applied < 4 && attempt < 500; attempt++)
        {
            applied += await daemon.CatchUpAsync(fixture.People);
            if (applied < 4)
            {
                await Task.Delay(20);
            }
        }
        applied.ShouldBe(4);
        fixture.People.Seen.OfType<PersonRecorded>().Select(p => p.Name).Order().ShouldBe([PersonalDataProtection.Erased, Name]);
        (await RawTextAsync()).ShouldNotContain("Lindelaan");
    }

    [Fact]
    public async Task Events_written_after_the_key_was_destroyed_keep_no_personal_data_even_from_a_process_that_had_the_key()
    {
        var caseId = Guid.NewGuid();
        var elsewhere = fixture.NewStore(ProtectedStoreFixture.MasterKey);
        await StartPersonAsync(caseId);
        await DestroyAsync(elsewhere, caseId);

        // This store still has the key in its cache: what it writes now is sealed with a key no one can read again.
        await using (var session = Store.LightweightSession())
        {
            session.Events.Append(caseId, new PersonRecorded(caseId, "Nieuwe Naam", [], null, 35, Now));
            await session.SaveChangesAsync();
        }
        await using (var session = elsewhere.LightweightSession())
        {
            session.Events.Append(caseId, new PersonRecorded(caseId, "Derde Naam", [], null, 36, Now));
            await session.SaveChangesAsync();
        }

        var raw = await RawTextAsync();
        raw.ShouldNotContain("Nieuwe Naam");
        raw.ShouldNotContain("Derde Naam");
        (await fixture.NewStore(ProtectedStoreFixture.MasterKey).FetchStreamAsync(caseId))
            .Select(e => ((PersonRecorded)e.Data).Name).ShouldAllBe(n => n == PersonalDataProtection.Erased);
    }

    [Fact]
    public async Task Without_the_master_key_a_copy_of_the_database_reveals_nothing()
    {
        var caseId = Guid.NewGuid();
        await StartPersonAsync(caseId);

        var thief = fixture.NewStore(Convert.FromBase64String(PersonalDataProtection.NewMasterKey()));
        var person = (await thief.FetchStreamAsync(caseId)).Single().Data.ShouldBeOfType<PersonRecorded>();

        person.Name.ShouldBe(PersonalDataProtection.Erased);
        person.Urls.ShouldBeEmpty();
        person.Age.ShouldBe(34);
    }

    [Fact]
    public async Task Rotating_the_master_key_rewraps_every_case_key_and_the_old_master_key_then_opens_nothing()
    {
        var (caseId, otherCase, erasedCase) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await StartPersonAsync(caseId);
        await StartPersonAsync(otherCase);
        await StartPersonAsync(erasedCase);
        await DestroyAsync(Store, erasedCase);
        var file = Encoding.UTF8.GetBytes(Note);
        var sealedFile = (await Store.Options.Protection!.SealAsync(Store, caseId, file, "row"u8.ToArray()))!;
        var eventsBefore = await EventsTextAsync();
        var newKey = Convert.FromBase64String(PersonalDataProtection.NewMasterKey());

        // During the rotation: the new key writes, the old one still opens what it wrapped.
        var rotating = fixture.NewStore(newKey, ProtectedStoreFixture.MasterKey);
        ((PersonRecorded)(await rotating.FetchStreamAsync(caseId)).Single().Data).Name.ShouldBe(Name);
        var (rewrapped, unreadable) = await rotating.Options.Protection!.RewrapAsync(fixture.DataSource, "takedown", batchSize: 1);
        var again = await rotating.Options.Protection!.RewrapAsync(fixture.DataSource, "takedown");

        rewrapped.ShouldBe(2);
        unreadable.ShouldBe(0);
        again.ShouldBe((0, 0));
        (await WrappedKeyAsync(erasedCase)).ShouldBeNull("a destroyed key stays destroyed");
        // After it: the new key alone opens events and sealed bytes, whose ciphertext never changed; the old key opens nothing.
        var rotated = fixture.NewStore(newKey);
        ((PersonRecorded)(await rotated.FetchStreamAsync(caseId)).Single().Data).Name.ShouldBe(Name);
        ((PersonRecorded)(await rotated.FetchStreamAsync(otherCase)).Single().Data).Name.ShouldBe(Name);
        ((PersonRecorded)(await rotated.FetchStreamAsync(erasedCase)).Single().Data).Name.ShouldBe(PersonalDataProtection.Erased);
        rotated.Options.Protection!.Open(caseId, await WrappedKeyAsync(caseId), sealedFile, "row"u8).ShouldBe(file);
        var old = fixture.NewStore(ProtectedStoreFixture.MasterKey);
        ((PersonRecorded)(await old.FetchStreamAsync(caseId)).Single().Data).Name.ShouldBe(PersonalDataProtection.Erased);
        (await EventsTextAsync()).ShouldBe(eventsBefore, "only the wrapped keys were rewritten");
    }

    [Fact]
    public async Task Personal_data_on_a_stream_without_a_subject_is_refused_and_nothing_is_written()
    {
        var noteId = Guid.NewGuid();
        await using var session = Store.LightweightSession();
        session.Events.StartStream(noteId, new NoteAdded(noteId, Note, Now));

        await Should.ThrowAsync<InvalidOperationException>(() => session.SaveChangesAsync());

        (await Store.FetchStreamAsync(noteId)).ShouldBeEmpty();
        (await RawTextAsync()).ShouldNotContain("Lindelaan");
    }

    [Fact]
    public async Task Two_processes_creating_the_first_key_of_a_subject_at_once_agree_on_one_key()
    {
        var caseId = Guid.NewGuid();
        var stores = Enumerable.Range(0, 6).Select(_ => fixture.NewStore(ProtectedStoreFixture.MasterKey)).ToList();

        await Task.WhenAll(stores.Select(async (store, i) =>
        {
            await using var session = store.LightweightSession();
            session.Events.Append(caseId, new PersonRecorded(caseId, $"{Name} {i}", [], null, i, Now));
            await session.SaveChangesAsync();
        }));

        var names = (await fixture.NewStore(ProtectedStoreFixture.MasterKey).FetchStreamAsync(caseId)).Select(e => ((PersonRecorded)e.Data).Name).ToList();
        names.Count.ShouldBe(6);
        names.ShouldAllBe(n => n.StartsWith(Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bytes_sealed_beside_the_events_open_only_for_their_subject_and_context_and_never_after_the_key_is_destroyed()
    {
        var caseId = Guid.NewGuid();
        var protection = Store.Options.Protection!;
        var file = Encoding.UTF8.GetBytes("foto van de voordeur, " + Note);
        var row = "attachment-1"u8.ToArray();

        var sealedFile = (await protection.SealAsync(Store, caseId, file, row))!;

        Encoding.UTF8.GetString(sealedFile).ShouldNotContain("Lindelaan");
        var key = await WrappedKeyAsync(caseId);
        protection.Open(caseId, key, sealedFile, row).ShouldBe(file);
        protection.Open(caseId, key, sealedFile, "attachment-2"u8).ShouldBeNull("another row's context");
        protection.Open(Guid.NewGuid(), key, sealedFile, row).ShouldBeNull("another subject");
        fixture.NewStore(Convert.FromBase64String(PersonalDataProtection.NewMasterKey())).Options.Protection!
            .Open(caseId, key, sealedFile, row).ShouldBeNull("another master key");

        await DestroyAsync(fixture.NewStore(ProtectedStoreFixture.MasterKey), caseId);

        (await WrappedKeyAsync(caseId)).ShouldBeNull();
        protection.Open(caseId, await WrappedKeyAsync(caseId), sealedFile, row).ShouldBeNull();
        var elsewhere = fixture.NewStore(ProtectedStoreFixture.MasterKey);
        (await elsewhere.Options.Protection!.SealAsync(elsewhere, caseId, file, row)).ShouldBeNull("nothing is sealed for an erased subject");
    }

    [Fact]
    public void Marked_positional_record_parameters_are_the_protected_properties()
    {
        var protection = Store.Options.Protection!;

        protection.PersonalPropertiesOf(typeof(PersonRecorded), Store.Options.Json).ShouldBe(["name", "urls", "nickname"]);
        protection.PersonalPropertiesOf(typeof(NoteStarted), Store.Options.Json).ShouldBeEmpty();
    }

    private async Task StartPersonAsync(Guid caseId)
    {
        await using var session = Store.LightweightSession();
        session.Events.StartStream(caseId, new PersonRecorded(caseId, Name, [Url], "Jolly", 34, Now));
        await session.SaveChangesAsync();
    }

    private async Task DestroyAsync(EventStore store, Guid subject)
    {
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        await store.Options.Protection!.DestroyKeyAsync(connection, null, "takedown", subject, Now);
    }

    private async Task<byte[]?> WrappedKeyAsync(Guid subject)
    {
        await using var command = fixture.DataSource.CreateCommand("SELECT key FROM takedown.encryption_keys WHERE subject_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        return await command.ExecuteScalarAsync() as byte[];
    }

    private async Task<string> EventsTextAsync()
    {
        await using var command = fixture.DataSource.CreateCommand("SELECT coalesce(string_agg(data::text, ' ' ORDER BY seq), '') FROM takedown.events");
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every event, stream and key row as text, as a database dump would show it.</summary>
    private async Task<string> RawTextAsync()
    {
        await using var command = fixture.DataSource.CreateCommand("""
            SELECT coalesce(string_agg(data::text || metadata::text, ' '), '') FROM takedown.events
            UNION ALL SELECT coalesce(string_agg(encode(coalesce(key, ''), 'escape'), ' '), '') FROM takedown.encryption_keys
            """);
        var text = new StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            text.Append(reader.GetString(0));
        }
        return text.ToString();
    }

    private sealed class PersonComparer : IEqualityComparer<PersonRecorded>
    {
        public bool Equals(PersonRecorded? x, PersonRecorded? y) =>
            x is not null && y is not null && x.CaseId == y.CaseId && x.Name == y.Name && x.Urls.SequenceEqual(y.Urls)
            && x.Nickname == y.Nickname && x.Age == y.Age && x.At == y.At;

        public int GetHashCode(PersonRecorded obj) => obj.CaseId.GetHashCode();
    }
}
