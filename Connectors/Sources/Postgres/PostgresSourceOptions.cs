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

    /// <summary>How the equivalence classes are counted before rows are written (see <see cref="PostgresClassCount"/>).</summary>
    public PostgresClassCount ClassCount { get; init; } = PostgresClassCount.FirstPass;

    /// <summary>work_mem for the export's transaction (PostgreSQL syntax), sized for the in-database class count.</summary>
    public string CountWorkMem { get; init; } = "256MB";
}

/// <summary>
/// Where the class sizes are counted; either way on a second connection in the export's snapshot while the stream
/// starts, so both see the same rows.
/// </summary>
public enum PostgresClassCount
{
    /// <summary>
    /// The database sends the quasi-identifier columns of the consenting rows (nothing else) and the connector counts
    /// the classes: about a third of the database's CPU of <see cref="GroupBy"/> and no large work_mem, for bytes on
    /// the wire proportional to the rows (a few per row). The faster choice when the database is near. When every
    /// quasi-identifier is generalized in the database (dates truncated, postcodes and numbers reduced by their built
    /// hierarchies) or limited to a listed hierarchy's values, the classes are few: they are counted as with
    /// <see cref="GroupBy"/>, which then costs the database less than sending the rows and spares the client a pass.
    /// </summary>
    FirstPass,

    /// <summary>
    /// GROUP BY of the generalized expressions inside the database: only the class sizes cross the wire, for a
    /// hash aggregate in the database (CPU and up to <see cref="PostgresSourceOptions.CountWorkMem"/>).
    /// </summary>
    GroupBy,
}
