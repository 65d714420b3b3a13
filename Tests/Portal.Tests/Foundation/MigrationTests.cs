using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Foundation;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_build_the_whole_model_on_an_empty_database_and_match_the_code()
    {
        await using var database = TestDatabase.Create("mig");
        var options = new DbContextOptionsBuilder<PortalDb>();
        PortalDbSetup.Configure(options, database.ConnectionString);
        await using var db = new PortalDb(options.Options);

        Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());
        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration captures: add a migration");

        await using var conn = new NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", conn);
        var tables = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        Assert.Equal(
            ["__ef_migrations_history", "access_requests", "api_tokens", "audit_events", "data_protection_keys", "dataset_shares", "dataset_stewards", "datasets",
             "grant_reminders", "grants", "institutions", "invitations", "memberships", "notifications", "portal_sessions", "saml_pending_logouts", "saml_pending_sign_ins", "saml_replay", "site_agents", "site_enrollments", "users",
             "virtual_organizations", "visa_signing_keys"],
            tables);
    }

    [Fact]
    public async Task Migrating_twice_changes_nothing()
    {
        await using var database = TestDatabase.Create("mig");
        var options = new DbContextOptionsBuilder<PortalDb>();
        PortalDbSetup.Configure(options, database.ConnectionString);
        await using var db = new PortalDb(options.Options);
        await db.Database.MigrateAsync();
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();

        await db.Database.MigrateAsync();

        Assert.Equal(applied, await db.Database.GetAppliedMigrationsAsync());
    }
}
