using System.Data;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources.Postgres;

/// <summary>
/// One REPEATABLE READ, READ ONLY transaction: the class-count query and the stream see the same snapshot,
/// so the suppression decided by the first is exact for the second. <see cref="ForkAsync"/> opens a second
/// connection whose transaction imports that snapshot, so that count and stream can run at the same time.
/// </summary>
internal sealed partial class PostgresSession : SourceSession
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly PostgresRelation _relation;
    private readonly PostgresSourceOptions _options;
    private readonly Func<CancellationToken, Task<NpgsqlConnection>> _connect;
    private readonly PostgresQueryBuilder _sql;
    private bool _parallelCount = true;

    private PostgresSession(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresRelation relation, PostgresSourceOptions options, Func<CancellationToken, Task<NpgsqlConnection>> connect)
    {
        _connection = connection;
        _transaction = transaction;
        _relation = relation;
        _options = options;
        _connect = connect;
        _sql = new PostgresQueryBuilder(relation, options.Filters);
    }

    /// <param name="connect">Opens another connection to the same database, for <see cref="ForkAsync"/>.</param>
    public static Task<PostgresSession> BeginAsync(NpgsqlConnection connection, PostgresRelation relation, PostgresSourceOptions options, Func<CancellationToken, Task<NpgsqlConnection>> connect, CancellationToken cancellationToken) =>
        BeginAsync(connection, relation, options, connect, snapshot: null, cancellationToken);

    private static async Task<PostgresSession> BeginAsync(NpgsqlConnection connection, PostgresRelation relation, PostgresSourceOptions options, Func<CancellationToken, Task<NpgsqlConnection>> connect, string? snapshot, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        // SET TRANSACTION SNAPSHOT takes no parameter; the id came from pg_export_snapshot() and was checked
        // against SnapshotId (hex digits and dashes) before it gets here.
        var set = snapshot is null ? "SET TRANSACTION READ ONLY" : $"SET TRANSACTION READ ONLY; SET TRANSACTION SNAPSHOT '{snapshot}'";
        await using (var command = new NpgsqlCommand(set, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        // work_mem: the class count is a hash aggregate over up to one group per row; with the 4 MB default
        // PostgreSQL falls back to an on-disk sort that costs several times the scan.
        // synchronize_seqscans off: a scan of a large table otherwise starts wherever a concurrent scan of it is (here
        // the class count on the other connection), and the same export would come out in another row order.
        await using (var command = new NpgsqlCommand("SELECT set_config('statement_timeout', $1, true), set_config('work_mem', $2, true), set_config('synchronize_seqscans', 'off', true)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ((long)options.StatementTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) });
            command.Parameters.Add(new NpgsqlParameter { Value = options.CountWorkMem });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return new PostgresSession(connection, transaction, relation, options, connect);
    }

    [GeneratedRegex("^[0-9A-F-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SnapshotId();

    /// <summary>A second connection in this transaction's snapshot (pg_export_snapshot / SET TRANSACTION SNAPSHOT).</summary>
    public override async Task<SourceSession?> ForkAsync(CancellationToken cancellationToken)
    {
        string snapshot;
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_export_snapshot()", _connection, _transaction);
            snapshot = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (PostgresException e)
        {
            throw new ConnectorException("source.postgres.read_failed", $"reading {_relation.QualifiedName} failed: {e.MessageText}", e);
        }
        if (!SnapshotId().IsMatch(snapshot))
        {
            throw new ConnectorException("source.postgres.snapshot_unexpected", $"reading {_relation.QualifiedName} failed: the server returned an unexpected snapshot id");
        }
        // The count then runs beside the stream and the client: parallel workers would only take their CPU.
        _parallelCount = false;
        var connection = await _connect(cancellationToken).ConfigureAwait(false);
        try
        {
            return await BeginAsync(connection, _relation, _options, _connect, snapshot, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (e is PostgresException p)
            {
                throw new ConnectorException("source.postgres.read_failed", $"reading {_relation.QualifiedName} failed: {p.MessageText}", e);
            }
            throw;
        }
    }

    public override async Task<RowReader> OpenReaderAsync(ReadPlan plan, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand { Connection = _connection, Transaction = _transaction };
        try
        {
            command.CommandText = _sql.SelectSql(plan, command);
            var reads = plan.Columns.Select(c => _sql.Lookup(c.Name).Read).ToArray();
            return await OpenRowsAsync(command, reads, plan.Columns.Select(c => c.Name).ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await command.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="command"/> as a binary COPY parsed in place, or through Npgsql's data reader when it has
    /// parameters (owner filters), which COPY cannot take. The reader owns the command from here on.
    /// </summary>
    private async Task<RowReader> OpenRowsAsync(NpgsqlCommand command, PostgresReadKind[] reads, string[] names, CancellationToken cancellationToken)
    {
        try
        {
            if (command.Parameters.Count == 0)
            {
                var copy = await _connection.BeginRawBinaryCopyAsync($"COPY ({command.CommandText}) TO STDOUT (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
                await command.DisposeAsync().ConfigureAwait(false);
                return new PostgresCopyReader(copy, reads, names, _relation.QualifiedName);
            }
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            return new PostgresRowReader(command, reader, reads, _relation.QualifiedName);
        }
        catch (PostgresException e)
        {
            throw new ConnectorException("source.postgres.read_failed", $"reading {_relation.QualifiedName} failed: {e.MessageText}", e);
        }
    }

    public override async Task<long?> CountRefusedAsync(ReadPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand { Connection = _connection, Transaction = _transaction };
            command.CommandText = _sql.RefusedSql(plan, command);
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (PostgresException e)
        {
            throw new ConnectorException("source.postgres.count_failed", $"counting equivalence classes in {_relation.QualifiedName} failed: {e.MessageText}", e);
        }
    }

    public override async Task<bool> CountGroupsAsync(ReadPlan plan, IReadOnlyList<GroupingColumn> groupBy, GroupVisitor visit, bool refused, CancellationToken cancellationToken)
    {
        // A first pass would send one row per consenting row where the GROUP BY sends one per class, and would then
        // generalize every row in the client: when every quasi-identifier is generalized in the database (or limited
        // to a listed hierarchy), the classes are few and grouping them there is the cheaper pass.
        if (_options.ClassCount != PostgresClassCount.GroupBy && !groupBy.All(PostgresQueryBuilder.GroupsFew))
        {
            return false;
        }
        var reads = groupBy.Select(g => PostgresQueryBuilder.ReducedRead(g, _sql.Lookup(g.Column.Name).Read)).ToArray();
        var cells = groupBy.Count;
        if (refused)
        {
            var rows = (await CountRefusedAsync(plan, cancellationToken).ConfigureAwait(false))!.Value;
            visit([], 0, rows);
        }
        try
        {
            // When the client waits for the count, the server may use its parallel workers for it (the planner
            // rarely does on its own: it overestimates merging the partial hash tables). Local to this statement.
            var (setup, tuple) = _parallelCount ? await SetParallelCostsAsync("0", "0", cancellationToken).ConfigureAwait(false) : default;
            await using (var command = new NpgsqlCommand { Connection = _connection, Transaction = _transaction })
            {
                command.CommandText = _sql.GroupSql(plan, groupBy, command);
                await using var groups = await OpenRowsAsync(command, [.. reads, PostgresReadKind.Int64], [.. groupBy.Select(g => g.Column.Name), "count"], cancellationToken).ConfigureAwait(false);
                var row = new Cell[cells + 1];
                while (await groups.ReadAsync(row, cancellationToken).ConfigureAwait(false))
                {
                    visit(row.AsSpan(0, cells), row[cells].Integer, 0);
                }
            }
            // A parallel plan would only slow the stream down: its rows would pass through a tuple queue.
            if (_parallelCount)
            {
                await SetParallelCostsAsync(setup, tuple, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (PostgresException e)
        {
            throw new ConnectorException("source.postgres.count_failed", $"counting equivalence classes in {_relation.QualifiedName} failed: {e.MessageText}", e);
        }
        return true;
    }

    /// <summary>Sets the planner's parallel costs for the rest of the transaction; returns the previous values.</summary>
    private async Task<(string Setup, string Tuple)> SetParallelCostsAsync(string setup, string tuple, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('parallel_setup_cost'), current_setting('parallel_tuple_cost'), set_config('parallel_setup_cost', $1, true), set_config('parallel_tuple_cost', $2, true)",
            _connection, _transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = setup });
        command.Parameters.Add(new NpgsqlParameter { Value = tuple });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetString(0), reader.GetString(1));
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.RollbackAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection may already be broken; closing it below is all that is left to do.
        }
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
