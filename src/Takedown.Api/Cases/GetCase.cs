using Npgsql;
using Takedown.Api.Integrations;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Cases;

/// <summary>A case with its requests and their deadlines, from the read models.</summary>
public static class GetCaseEndpoint
{
    public sealed record DeadlineView(string Kind, DateOnly DueDate, DateTimeOffset DueAt, string ExplanationNl, string ExplanationEn);

    public sealed record RequestSummary(
        Guid Id, string Kind, string Status, string Counterparty, string? Category, DateTimeOffset OpenedAt,
        DateTimeOffset? SentAt, DateTimeOffset? AnsweredAt, string? Outcome, DeadlineView? Deadline);

    public sealed record CaseView(
        Guid Id, string Reference, string Language, string Status, string EscalationMode, DateTimeOffset OpenedAt,
        IReadOnlyList<RequestSummary> Requests);

    public static void MapGetCase(this Infrastructure.ApiGroups api) => api.Map(group => group
        .MapGet("/cases/{id:guid}", GetCase)
        .RequireAuthorization(Scopes.CasesRead)
        .WithName("GetCase")
        .WithSummary("A case with its requests and their deadlines")
        .Produces<CaseView>()
        .ProducesProblem(StatusCodes.Status404NotFound));

    public static async Task<IResult> GetCase(
        Guid id, HttpContext http, CaseAccess access, NpgsqlDataSource dataSource, DatabaseOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        if (!await access.CanSeeAsync(http.User, id, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        var view = await LoadAsync(dataSource, options.Schema, id, cancellationToken);
        return view is null ? CaseAccess.NotFound() : TypedResults.Ok(view);
    }

    public static async Task<CaseView?> LoadAsync(NpgsqlDataSource dataSource, string schema, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"SELECT id, reference, language, status, escalation_mode, opened_at FROM {schema}.case_overview WHERE id = $1")
        { Parameters = { new NpgsqlParameter { Value = id } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT id, kind, status, counterparty, category, opened_at, sent_at, answered_at, outcome,
                   deadline_kind, due_date, due_at, explanation_nl, explanation_en
            FROM {schema}.request_overview WHERE case_id = $1 ORDER BY opened_at
            """)
        { Parameters = { new NpgsqlParameter { Value = id } } });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var head = (Id: reader.GetGuid(0), Reference: reader.GetString(1), Language: reader.GetString(2), Status: reader.GetString(3),
            Mode: reader.GetString(4), OpenedAt: reader.GetFieldValue<DateTimeOffset>(5));
        await reader.NextResultAsync(cancellationToken);
        var requests = new List<RequestSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            requests.Add(ReadRequest(reader));
        }
        return new CaseView(head.Id, head.Reference, head.Language, head.Status, head.Mode, head.OpenedAt, requests);
    }

    /// <summary>Reads a request_overview row selected with the columns in the order <see cref="LoadAsync"/> uses.</summary>
    public static RequestSummary ReadRequest(NpgsqlDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        T? Nullable<T>(int i) => reader.IsDBNull(i) ? default : reader.GetFieldValue<T>(i);
        var deadline = reader.IsDBNull(9)
            ? null
            : new DeadlineView(reader.GetString(9), reader.GetFieldValue<DateOnly>(10), reader.GetFieldValue<DateTimeOffset>(11),
                reader.GetString(12), reader.GetString(13));
        return new RequestSummary(
            reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Nullable<string>(4),
            reader.GetFieldValue<DateTimeOffset>(5), Nullable<DateTimeOffset?>(6), Nullable<DateTimeOffset?>(7), Nullable<string>(8), deadline);
    }
}
