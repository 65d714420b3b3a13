using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class PortalSessionsAndSingleLogout : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "portal_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    issuer = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    saml_name_id = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    saml_name_id_format = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    saml_name_qualifier = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    saml_sp_name_qualifier = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    saml_session_index = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    oidc_provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    oidc_id_token = table.Column<string>(type: "character varying(16384)", maxLength: 16384, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    end_reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_portal_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_portal_sessions_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "saml_pending_logouts",
                columns: table => new
                {
                    request_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    idp_entity_id = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    return_path = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_saml_pending_logouts", x => x.request_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_portal_sessions_issuer_saml_name_id",
                table: "portal_sessions",
                columns: new[] { "issuer", "saml_name_id" });

            migrationBuilder.CreateIndex(
                name: "ix_portal_sessions_user_id",
                table: "portal_sessions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_saml_pending_logouts_expires_at",
                table: "saml_pending_logouts",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "portal_sessions");

            migrationBuilder.DropTable(
                name: "saml_pending_logouts");
        }
    }
}
