using Npgsql;

namespace Portal.Connectors.Sources.Postgres;

/// <summary>A PostgreSQL table or view. Every identifier in generated SQL comes from the catalog and is quoted.</summary>
public sealed class PostgresSource(PostgresSourceOptions options) : ExportSource
{
    private PostgresRelation? _relation;

    public PostgresSourceOptions Options { get; } = options;

    public override string DisplayName => $"{SqlIdentifier.Quote(Options.Schema)}.{SqlIdentifier.Quote(Options.Relation)}";

    /// <summary>Consent is part of every query's WHERE: refused rows never leave the database.</summary>
    internal override bool FiltersConsent => true;

    public override async Task<SourceSchema> DescribeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var relation = await LoadRelationAsync(connection, cancellationToken).ConfigureAwait(false);
        return relation.Schema;
    }

    internal override async Task<SourceSession> OpenSessionAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var relation = await LoadRelationAsync(connection, cancellationToken).ConfigureAwait(false);
            return await PostgresSession.BeginAsync(connection, relation, Options, OpenConnectionAsync, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = new NpgsqlConnection(Options.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or TimeoutException or System.Net.Sockets.SocketException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            var b = TryParse(Options.ConnectionString);
            throw new ConnectorException("source.postgres.unreachable", $"cannot connect to the PostgreSQL source {b?.Host}:{b?.Port}/{b?.Database}: {e.Message}", e);
        }
    }

    private static NpgsqlConnectionStringBuilder? TryParse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private async Task<PostgresRelation> LoadRelationAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_relation is null)
        {
            _relation = await PostgresCatalog.LoadRelationAsync(connection, Options.Schema, Options.Relation, cancellationToken).ConfigureAwait(false)
                ?? throw new ConnectorException("source.postgres.relation_missing", $"relation {DisplayName} does not exist or is not a table or view");
        }
        return _relation;
    }
}
