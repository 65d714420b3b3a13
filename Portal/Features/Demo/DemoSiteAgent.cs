using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Sites.Enrollment;

namespace Portal.Features.Demo;

/// <summary>
/// The demo hospital's site agent (Demo:SiteAgent = true, as deploy/run.sh and compose set it): Alice's two datasets
/// live behind her agent "hospital-agent". Each `seed-demo` run moves the demo one step: while she has no such agent,
/// it writes a fresh one-time code to Demo:AgentCodeFile for the site to enroll with (what Alice would copy from the
/// Site agents page); once the agent is enrolled, it binds her datasets to it. Containers cannot run the command
/// again after the agent enrolls, so there every instance also binds, every few seconds (<see cref="DemoSiteAgentBinder"/>).
/// </summary>
public sealed class DemoSiteAgent(PortalDb db, AuditLog audit, TimeProvider time, IConfiguration configuration)
{
    public const string Name = "hospital-agent";

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("Demo:SiteAgent", false);

    /// <summary>What it did, for the command's output; null when the demo has no site agent.</summary>
    public async Task<string?> PrepareAsync(CancellationToken ct)
    {
        if (!Enabled(configuration))
        {
            return null;
        }
        return await BindAsync(ct) ?? await WriteCodeAsync(ct);
    }

    /// <summary>Binds Alice's unbound datasets to her agent once it is enrolled; null while it is not.</summary>
    public async Task<string?> BindAsync(CancellationToken ct)
    {
        var agent = await db.SiteAgents.AsNoTracking().SingleOrDefaultAsync(a => a.OwnerId == DemoSeed.Alice && a.Name == Name, ct);
        if (agent is null)
        {
            return null;
        }
        var unbound = await db.Datasets.Where(d => d.OwnerId == DemoSeed.Alice).ToListAsync(ct);
        var bound = 0;
        foreach (var dataset in unbound.Where(d => d.Connector.Kind == ConnectorKind.Agent && d.Connector.AgentId is null))
        {
            // A new object: EF Core saves a JSON column it sees replaced, not one changed in place.
            dataset.Connector = new ConnectorSettings { Kind = ConnectorKind.Agent, AgentId = agent.Id, SiteDataset = dataset.Connector.SiteDataset };
            bound++;
        }
        if (bound > 0)
        {
            audit.Add(db, "demo.site_agent_bound", AuditOutcome.Success, AuditActor.System, details: new { agentId = agent.Id, datasets = bound });
            await db.SaveChangesAsync(ct);
        }
        return $"demo datasets behind site agent {agent.Id} ({bound} bound now)";
    }

    private async Task<string> WriteCodeAsync(CancellationToken ct)
    {
        var file = configuration["Demo:AgentCodeFile"];
        if (string.IsNullOrWhiteSpace(file))
        {
            return "no site agent yet, and no Demo:AgentCodeFile to write an enrollment code to";
        }
        var now = time.GetUtcNow();
        // The previous unused code goes: one code open at a time.
        await db.SiteEnrollments.Where(e => e.OwnerId == DemoSeed.Alice && e.AgentName == Name && e.UsedAt == null).ExecuteDeleteAsync(ct);
        var code = EnrollmentCodes.New();
        db.SiteEnrollments.Add(new SiteEnrollment
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = DemoSeed.Alice,
            AgentName = Name,
            CodeHash = EnrollmentCodes.Hash(code),
            CreatedAt = now,
            ExpiresAt = now + EnrollmentCodes.Lifetime,
        });
        audit.Add(db, "site.enrollment.created", AuditOutcome.Success, new AuditActor(DemoSeed.Alice, "Alice Owner (demo seed)", null), details: new { name = Name });
        await db.SaveChangesAsync(ct);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using (var writer = new StreamWriter(file, System.Text.Encoding.ASCII, options))
        {
            await writer.WriteAsync(code);
        }
        return $"enrollment code for site agent '{Name}' written to {file} (valid one hour)";
    }
}

/// <summary>Binds the demo's datasets to the hospital's agent as soon as it has enrolled (Demo:SiteAgent only).</summary>
public sealed class DemoSiteAgentBinder(IServiceScopeFactory scopes, ILogger<DemoSiteAgentBinder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<DemoSiteAgent>().BindAsync(stoppingToken) is { } bound)
                {
                    logger.LogInformation("Demo: {Status}", bound);
                    return;
                }
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or DbUpdateException or InvalidOperationException)
            {
                logger.LogWarning("Demo: binding the datasets to the site agent failed ({Message}); trying again", e.Message);
            }
        }
    }
}
