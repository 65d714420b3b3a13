using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class SiteAgents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "site_agents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    public_key = table.Column<byte[]>(type: "bytea", nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    host_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    site_datasets = table.Column<List<string>>(type: "text[]", nullable: false),
                    enrolled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_contact_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    disabled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_site_agents", x => x.id);
                    table.ForeignKey(
                        name: "fk_site_agents_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "site_enrollments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    agent_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    code_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    agent_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_site_enrollments", x => x.id);
                    table.CheckConstraint("ck_site_enrollment_expiry", "expires_at > created_at");
                    table.CheckConstraint("ck_site_enrollment_hash", "octet_length(code_hash) = 32");
                    table.ForeignKey(
                        name: "fk_site_enrollments_site_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "site_agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_site_enrollments_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_site_agents_fingerprint",
                table: "site_agents",
                column: "fingerprint",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_site_agents_owner_id",
                table: "site_agents",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_site_agents_owner_id_name",
                table: "site_agents",
                columns: new[] { "owner_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_site_enrollments_agent_id",
                table: "site_enrollments",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "ix_site_enrollments_code_hash",
                table: "site_enrollments",
                column: "code_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_site_enrollments_owner_id",
                table: "site_enrollments",
                column: "owner_id");

            // Every instance LISTENs: an agent disabled on one instance loses its link on all of them at once.
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_site_agent_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM pg_notify('site_agent_changes', COALESCE(NEW.id, OLD.id)::text);
                  RETURN NULL;
                END $$;
                CREATE TRIGGER site_agents_change AFTER UPDATE OF disabled_at OR DELETE ON site_agents
                  FOR EACH ROW EXECUTE FUNCTION notify_site_agent_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER site_agents_change ON site_agents; DROP FUNCTION notify_site_agent_change();");
            migrationBuilder.DropTable(
                name: "site_enrollments");

            migrationBuilder.DropTable(
                name: "site_agents");
        }
    }
}
