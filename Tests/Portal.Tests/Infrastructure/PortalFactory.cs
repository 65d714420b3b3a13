using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Features.Demo;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The real portal in memory, on its own fresh PostgreSQL database (one per test class), with a controllable clock.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create("portal");

    public string ConnectionString => _database.ConnectionString;
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero));

    protected virtual string EnvironmentName => "Development";
    protected virtual bool Migrate => true;
    protected virtual bool SeedDemo => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:Portal", _database.ConnectionString);
        builder.UseSetting("DemoSignIn:Enabled", "true");
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public async Task InitializeAsync()
    {
        if (Migrate)
        {
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PortalDb>().Database.MigrateAsync();
        }
        if (SeedDemo)
        {
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeed>().RunAsync(CancellationToken.None);
        }
    }

    public PortalDb CreateDb()
    {
        var options = new DbContextOptionsBuilder<PortalDb>();
        PortalDbSetup.Configure(options, _database.ConnectionString);
        return new PortalDb(options.Options);
    }

    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>The portal with the demo data seeded.</summary>
public sealed class DemoPortalFactory : PortalFactory
{
    protected override bool SeedDemo => true;
}

/// <summary>The portal on a database nobody migrated.</summary>
public sealed class UnmigratedPortalFactory : PortalFactory
{
    protected override bool Migrate => false;
}
