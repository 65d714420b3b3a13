using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class SamlSignInState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "saml_pending_sign_ins",
                columns: table => new
                {
                    relay_state = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    request_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    idp_entity_id = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    return_path = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    browser_binding = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_saml_pending_sign_ins", x => x.relay_state);
                });

            migrationBuilder.CreateTable(
                name: "saml_replay",
                columns: table => new
                {
                    issuer = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    assertion_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_saml_replay", x => new { x.issuer, x.assertion_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_saml_pending_sign_ins_expires_at",
                table: "saml_pending_sign_ins",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_saml_replay_expires_at",
                table: "saml_replay",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "saml_pending_sign_ins");

            migrationBuilder.DropTable(
                name: "saml_replay");
        }
    }
}
