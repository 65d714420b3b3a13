using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Portal.Hosting;

/// <summary>
/// Work that must run once per cluster, not once per instance (expiry sweeps, reminders, metadata refresh): the
/// instance that takes a PostgreSQL advisory lock named after the work runs it; the others skip that round. The lock
/// is held by a dedicated, unpooled connection for exactly as long as the work runs, so a crashed instance's lock
/// goes with its connection. If that connection is lost mid-work, the work is cancelled: another instance may take
/// the lock from then on, and two must never run at once.
/// </summary>
public sealed class ClusterSingleton(string connectionString, ILogger<ClusterSingleton> logger)
{
    /// <summary>How often the lock's connection is checked while the work runs.</summary>
    public TimeSpan CheckEvery { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs <paramref name="work"/> if no instance is running work of this name; returns false at once otherwise.
    /// The work's token is cancelled when <paramref name="ct"/> is, or when the lock can no longer be vouched for.
    /// </summary>
    public async Task<bool> TryRunAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(work);
        var csb = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Unpooled: a session-level lock must end with this connection, never linger in a pooled one.
            Pooling = false,
            KeepAlive = 5,
            ApplicationName = $"portal-singleton:{name}",
        };
        await using var conn = new NpgsqlConnection(csb.ConnectionString);
        await conn.OpenAsync(ct);
        await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", conn))
        {
            take.Parameters.AddWithValue(LockKey(name));
            if (await take.ExecuteScalarAsync(ct) is not true)
            {
                return false;
            }
        }

        using var lost = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var watchStop = new CancellationTokenSource();
        var watch = WatchAsync(conn, name, lost, watchStop.Token);
        try
        {
            await work(lost.Token);
        }
        finally
        {
            await watchStop.CancelAsync();
            await watch;
            // Closing the unpooled connection releases the lock; unlocking first just says so sooner.
            try
            {
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", conn);
                release.Parameters.AddWithValue(LockKey(name));
                await release.ExecuteScalarAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // The connection is gone, and the lock with it.
            }
        }
        return true;
    }

    private async Task WatchAsync(NpgsqlConnection conn, string name, CancellationTokenSource lost, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(CheckEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await using var ping = new NpgsqlCommand("SELECT 1", conn);
                await ping.ExecuteScalarAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            logger.LogWarning("Lost the cluster lock of {Work} ({Message}); cancelling it", name, e.Message);
            await lost.CancelAsync();
        }
    }

    /// <summary>A stable 64-bit key per name: the same on every instance and every version.</summary>
    public static long LockKey(string name) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("portal-singleton:" + name)));
}
