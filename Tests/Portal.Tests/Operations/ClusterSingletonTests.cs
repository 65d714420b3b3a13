using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Portal.Hosting;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Operations;

/// <summary>Two "instances" (two ClusterSingletons, each with its own connections) on one database.</summary>
public sealed class ClusterSingletonTests : IAsyncLifetime
{
    private readonly TestDatabase _db = TestDatabase.Create("cluster");
    private ClusterSingleton A => new(_db.ConnectionString, NullLogger<ClusterSingleton>.Instance) { CheckEvery = TimeSpan.FromMilliseconds(100) };
    private ClusterSingleton B => new(_db.ConnectionString, NullLogger<ClusterSingleton>.Instance) { CheckEvery = TimeSpan.FromMilliseconds(100) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task While_one_instance_runs_the_work_the_other_skips_it_and_runs_it_afterwards()
    {
        var aRunning = new TaskCompletionSource();
        var aMayFinish = new TaskCompletionSource();
        var a = A.TryRunAsync("expiry", async _ => { aRunning.SetResult(); await aMayFinish.Task; }, CancellationToken.None);
        await aRunning.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var bRan = false;
        Assert.False(await B.TryRunAsync("expiry", _ => { bRan = true; return Task.CompletedTask; }, CancellationToken.None));
        Assert.False(bRan);
        // Another name is another lock.
        Assert.True(await B.TryRunAsync("reminders", _ => Task.CompletedTask, CancellationToken.None));

        aMayFinish.SetResult();
        Assert.True(await a);
        Assert.True(await B.TryRunAsync("expiry", _ => { bRan = true; return Task.CompletedTask; }, CancellationToken.None));
        Assert.True(bRan);
    }

    [Fact]
    public async Task Two_instances_racing_for_the_same_work_never_run_it_at_the_same_time()
    {
        var running = 0;
        var most = 0;
        var runs = 0;
        async Task Work(CancellationToken ct)
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Interlocked.Increment(ref runs);
            await Task.Delay(20, ct);
            Interlocked.Decrement(ref running);
        }
        var a = A;
        var b = B;
        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).TryRunAsync("sweep", Work, CancellationToken.None)));
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, most);
        Assert.Equal(results.Count(r => r), runs);
        Assert.True(runs >= 1);
    }

    [Fact]
    public async Task Losing_the_lock_connection_cancels_the_work_so_the_other_instance_may_take_over()
    {
        var aRunning = new TaskCompletionSource();
        var a = A.TryRunAsync("refresh", async ct => { aRunning.SetResult(); await Task.Delay(Timeout.Infinite, ct); }, CancellationToken.None);
        await aRunning.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // What a crashed instance or a network cut looks like from the database: its session ends.
        await using (var admin = new NpgsqlConnection(_db.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'portal-singleton:refresh'", admin);
            await kill.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await B.TryRunAsync("refresh", _ => Task.CompletedTask, CancellationToken.None));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
