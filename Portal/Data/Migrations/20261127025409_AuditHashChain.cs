using Microsoft.EntityFrameworkCore.Migrations;
using Portal.Features.Audit;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditHashChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "chain_seq",
                table: "audit_events",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_chain_seq",
                table: "audit_events",
                column: "chain_seq",
                unique: true);

            // The chain is built by the database, under one lock, whoever inserts: instances cannot fork it.
            migrationBuilder.Sql(AuditChainSql.Install);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(AuditChainSql.Uninstall);
            migrationBuilder.DropIndex(
                name: "ix_audit_events_chain_seq",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "chain_seq",
                table: "audit_events");
        }
    }
}
