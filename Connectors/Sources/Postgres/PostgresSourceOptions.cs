namespace Portal.Connectors.Sources.Postgres;

/// <summary>
/// A PostgreSQL table or view, optionally narrowed by typed filters. An "owner-defined query" is either a
/// view the owner creates in the source database or a table plus <see cref="Filters"/>: never SQL text.
/// </summary>
public sealed record PostgresSourceOptions
{
    /// <summary>Should log in as a read-only role; the connector also opens READ ONLY transactions.</summary>
    public required string ConnectionString { get; init; }

    public string Schema { get; init; } = "public";

    public required string Relation { get; init; }

    public IReadOnlyList<RowFilter> Filters { get; init; } = [];

    /// <summary>Applies per statement, and the stream is one statement: size it for the slowest expected download.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>work_mem for the export's transaction (PostgreSQL syntax), sized for the in-database class count.</summary>
    public string CountWorkMem { get; init; } = "256MB";
}
