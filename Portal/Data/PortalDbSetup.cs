using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace Portal.Data;

public static class PortalDbSetup
{
    public const string ConnectionStringName = "Portal";

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
}

/// <summary>Lets `dotnet ef` build the model without starting the portal (no database needed to add a migration).</summary>
internal sealed class DesignTimePortalDbFactory : IDesignTimeDbContextFactory<PortalDb>
{
    public PortalDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDb>();
        PortalDbSetup.Configure(options, new NpgsqlConnectionStringBuilder { Host = "localhost", Database = "portal_design" }.ConnectionString);
        return new PortalDb(options.Options);
    }
}
