using Npgsql;

namespace Portal.Hosting;

/// <summary>
/// A LISTEN that stays open: its own unpooled connection with TCP keep-alive, reopened after any loss with a backoff of
/// 250 ms doubling to 5 s. Each time it is (re)opened, <c>listening</c> runs with the connection, already listening,
/// until it fails; so whatever a feature must catch up on after a gap, it does there.
/// </summary>
public static class DatabaseListener
{
    public static async Task RunAsync(IConfiguration configuration, string applicationName, string channel, ILogger logger,
        Action<NpgsqlNotificationEventArgs> notified, Func<NpgsqlConnection, CancellationToken, Task> listening, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(listening);
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var csb = new NpgsqlConnectionStringBuilder(DatabaseConnectivity.RequireConnectionString(configuration))
                {
                    KeepAlive = 5,
                    Pooling = false,
                    ApplicationName = applicationName,
                };
                await using var connection = new NpgsqlConnection(csb.ConnectionString);
                connection.Notification += (_, e) => notified(e);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                delay = TimeSpan.FromMilliseconds(250);
                await listening(connection, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
            {
                logger.LogWarning("{Listener} lost the database ({Message}); retrying in {Delay}", applicationName, e.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    /// <summary>Waits for notifications until the connection fails or <paramref name="ct"/> ends.</summary>
    public static async Task WaitForeverAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        while (true)
        {
            await connection.WaitAsync(ct);
        }
    }
}
