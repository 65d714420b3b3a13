using Portal.Connectors.Anonymization.Transforms;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources;

/// <summary>A dataset's connector: PostgreSQL relation, CSV or Parquet file.</summary>
public abstract class ExportSource
{
    /// <summary>Names the source in messages and manifests (never contains credentials).</summary>
    public abstract string DisplayName { get; }

    /// <summary>Columns and types read from the source itself.</summary>
    public abstract Task<SourceSchema> DescribeAsync(CancellationToken cancellationToken = default);

    /// <summary>A consistent view for one export: the class-count pass and the stream see the same data.</summary>
    internal abstract Task<SourceSession> OpenSessionAsync(CancellationToken cancellationToken);

    /// <summary>True when the source applies the consent filter itself (the rows its sessions return all consented).</summary>
    internal virtual bool FiltersConsent => false;
}

/// <param name="Columns">The columns to read, in this order.</param>
/// <param name="ConsentColumns">Boolean columns that must all be true for a row to leave the source.</param>
internal sealed record ReadPlan(IReadOnlyList<SourceColumn> Columns, IReadOnlyList<string> ConsentColumns);

/// <param name="Column">A quasi-identifier as the source has it.</param>
/// <param name="Reduction">What the source may do to it before grouping.</param>
internal sealed record GroupingColumn(SourceColumn Column, ColumnReduction Reduction);

/// <summary>One group of the pushed-down class count: the reduced quasi-identifiers and how many rows consented and refused.</summary>
internal delegate void GroupVisitor(ReadOnlySpan<Cell> reduced, long consented, long refused);

internal abstract class SourceSession : IAsyncDisposable
{
    public abstract Task<RowReader> OpenReaderAsync(ReadPlan plan, CancellationToken cancellationToken);

    /// <summary>
    /// Counts rows per reduced quasi-identifier tuple inside the source; false when the source cannot (files).
    /// The rows consent refuses are visited first as one group, unless <paramref name="refused"/> is false (then
    /// <see cref="CountRefusedAsync"/> counts them, e.g. on the session that streams).
    /// </summary>
    public virtual Task<bool> CountGroupsAsync(ReadPlan plan, IReadOnlyList<GroupingColumn> groupBy, GroupVisitor visit, bool refused, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    /// <summary>The rows the consent filter refuses, counted in the source; null when the source cannot (files).</summary>
    public virtual Task<long?> CountRefusedAsync(ReadPlan plan, CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    /// <summary>
    /// A second session on the same consistent view, so that the class count can run on one while the other
    /// streams; null when the source has none (files: their count is a first pass anyway).
    /// </summary>
    public virtual Task<SourceSession?> ForkAsync(CancellationToken cancellationToken) => Task.FromResult<SourceSession?>(null);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal abstract class RowReader : IAsyncDisposable
{
    /// <summary>Fills <paramref name="row"/> (one cell per plan column); false at the end.</summary>
    public abstract ValueTask<bool> ReadAsync(Cell[] row, CancellationToken cancellationToken);

    /// <summary>Where the last row came from, for error messages: "patients.csv line 12".</summary>
    public abstract string Position { get; }

    /// <summary>Where row number <paramref name="row"/> (1-based, as the reader counts them) came from, for errors about a row handled later.</summary>
    public virtual string PositionOf(long row) => Position;

    public abstract ValueTask DisposeAsync();
}
