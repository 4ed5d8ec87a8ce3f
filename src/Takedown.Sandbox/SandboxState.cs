namespace Takedown.Sandbox;

/// <summary>A notice as the sandbox platform holds it.</summary>
public sealed record Filing(
    string TicketId,
    string? IdempotencyKey,
    string Reference,
    IReadOnlyList<string> Urls,
    string Category,
    string Status,
    string? StatementOfReasons,
    DateTimeOffset ReceivedAt,
    DateTimeOffset UpdatedAt);

/// <summary>An internal complaint as the sandbox platform holds it.</summary>
public sealed record ComplaintFiling(
    string ComplaintId,
    string TicketId,
    string? IdempotencyKey,
    string Reference,
    string Grounds,
    DateTimeOffset ReceivedAt);

/// <summary>One call the report API saw, for tests that check pacing and counts.</summary>
public sealed record CallRecord(string Method, string Path, int Status, DateTimeOffset At);

/// <summary>Everything the sandbox remembers; one per app, guarded by one lock (the sandbox is not about speed).</summary>
public sealed class SandboxState
{
    private readonly Lock _lock = new();
    private readonly Queue<ScenarioStep> _steps = new();
    private readonly Dictionary<string, Filing> _byTicket = [];
    private readonly Dictionary<string, string> _ticketByKey = [];
    private readonly List<CallRecord> _calls = [];
    private readonly Dictionary<string, ComplaintFiling> _complaintByKey = [];
    private readonly List<ComplaintFiling> _complaints = [];
    private readonly HashSet<string> _tokens = [];
    private int _tokensIssued;
    private int _nextTicket;
    private int _nextComplaint;

    public void Script(IEnumerable<ScenarioStep> steps)
    {
        lock (_lock)
        {
            foreach (var step in steps)
            {
                _steps.Enqueue(step);
            }
        }
    }

    public ScenarioStep NextStep()
    {
        lock (_lock)
        {
            return _steps.TryDequeue(out var step) ? step : new ScenarioStep(StepKind.Accept);
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _steps.Clear();
            _byTicket.Clear();
            _ticketByKey.Clear();
            _calls.Clear();
            _complaints.Clear();
            _complaintByKey.Clear();
            _tokens.Clear();
            _tokensIssued = 0;
        }
    }

    /// <summary>Files a notice once per idempotency key; a repeated key gets the first filing back.</summary>
    public (Filing Filing, bool Created) File(string? key, Func<string, Filing> create)
    {
        lock (_lock)
        {
            if (key is not null && _ticketByKey.TryGetValue(key, out var existing))
            {
                return (_byTicket[existing], false);
            }
            var ticket = $"SBX-{++_nextTicket:D6}";
            var filing = create(ticket);
            _byTicket[ticket] = filing;
            if (key is not null)
            {
                _ticketByKey[key] = ticket;
            }
            return (filing, true);
        }
    }

    /// <summary>
    /// Takes an internal complaint against a refused notice, once per idempotency key; the notice goes back under
    /// review. Found is false for an unknown ticket; the filing is null when the notice was not refused.
    /// </summary>
    public (ComplaintFiling? Filing, bool Created, bool Found) Complain(string ticket, string? key, string reference, string grounds, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (key is not null && _complaintByKey.TryGetValue(key, out var existing))
            {
                return (existing, false, true);
            }
            if (!_byTicket.TryGetValue(ticket, out var notice))
            {
                return (null, false, false);
            }
            if (notice.Status != "refused")
            {
                return (null, false, true);
            }
            var complaint = new ComplaintFiling($"CMP-{++_nextComplaint:D6}", ticket, key, reference, grounds, at);
            _complaints.Add(complaint);
            if (key is not null)
            {
                _complaintByKey[key] = complaint;
            }
            _byTicket[ticket] = notice with { Status = "under_review", UpdatedAt = at };
            return (complaint, true, true);
        }
    }

    public IReadOnlyList<ComplaintFiling> Complaints()
    {
        lock (_lock)
        {
            return [.. _complaints];
        }
    }

    public Filing? Find(string ticket)
    {
        lock (_lock)
        {
            return _byTicket.GetValueOrDefault(ticket);
        }
    }

    public Filing? Decide(string ticket, string status, string? reasons, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (!_byTicket.TryGetValue(ticket, out var filing))
            {
                return null;
            }
            var decided = filing with { Status = status, StatementOfReasons = reasons, UpdatedAt = at };
            _byTicket[ticket] = decided;
            return decided;
        }
    }

    public IReadOnlyList<Filing> Filings()
    {
        lock (_lock)
        {
            return [.. _byTicket.Values.OrderBy(f => f.TicketId, StringComparer.Ordinal)];
        }
    }

    public void Record(CallRecord call)
    {
        lock (_lock)
        {
            _calls.Add(call);
        }
    }

    public IReadOnlyList<CallRecord> Calls()
    {
        lock (_lock)
        {
            return [.. _calls];
        }
    }

    public string IssueToken()
    {
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        lock (_lock)
        {
            _tokens.Add(token);
            _tokensIssued++;
        }
        return token;
    }

    public bool IsValidToken(string token)
    {
        lock (_lock)
        {
            return _tokens.Contains(token);
        }
    }

    public int TokensIssued
    {
        get
        {
            lock (_lock)
            {
                return _tokensIssued;
            }
        }
    }
}
