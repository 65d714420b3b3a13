using System.Net.Sockets;
using Npgsql;

namespace Portal.Hosting;

/// <summary>Turns a missing, malformed or unreachable database into one sentence an operator can act on.</summary>
public static class DatabaseConnectivity
{
    public static string RequireConnectionString(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration.GetConnectionString(Data.PortalDbSetup.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new PortalConfigurationException(
                "ConnectionStrings:Portal is not set (set ConnectionStrings__Portal to a PostgreSQL connection string).");
        }

        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(value);
            if (string.IsNullOrEmpty(parsed.Host))
            {
                throw new PortalConfigurationException("ConnectionStrings:Portal names no Host.");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new PortalConfigurationException($"ConnectionStrings:Portal is not a valid PostgreSQL connection string: {e.Message}", e);
        }

        return value;
    }

    /// <summary>Opens one connection; on failure, says where it tried and why it failed.</summary>
    public static async Task EnsureReachableAsync(string connectionString, CancellationToken ct)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, Pooling = false };
        var where = $"PostgreSQL at {csb.Host}:{csb.Port} (database '{csb.Database}', user '{csb.Username}')";
        try
        {
            await using var conn = new NpgsqlConnection(csb.ConnectionString);
            await conn.OpenAsync(ct);
        }
        catch (PostgresException e)
        {
            throw new PortalConfigurationException($"cannot use {where}: {e.MessageText} ({e.SqlState}).", e);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or InvalidOperationException)
        {
            var reason = e.InnerException is SocketException se ? se.Message : e.Message;
            throw new PortalConfigurationException($"cannot connect to {where}: {reason}", e);
        }
    }
}
