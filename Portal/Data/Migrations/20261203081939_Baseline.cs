using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <summary>
    /// The whole schema as of the first release (the ten migrations of the first days squashed; nothing was deployed),
    /// with the policy-change notifications and the audit hash chain, which live in SQL.
    /// </summary>
    public partial class Baseline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    actor_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    actor_ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    api_token_id = table.Column<Guid>(type: "uuid", nullable: true),
                    vo_id = table.Column<Guid>(type: "uuid", nullable: true),
                    dataset_id = table.Column<Guid>(type: "uuid", nullable: true),
                    grant_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    details = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    chain_seq = table.Column<long>(type: "bigint", nullable: true),
                    previous_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    hash = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "institutions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    idp_entity_id = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    scopes = table.Column<List<string>>(type: "text[]", nullable: false),
                    country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_institutions", x => x.id);
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

            migrationBuilder.CreateTable(
                name: "visa_signing_keys",
                columns: table => new
                {
                    kid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    protected_private_key = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_visa_signing_keys", x => x.kid);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    issuer = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    subject = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    display_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    home_organization = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    institution_id = table.Column<Guid>(type: "uuid", nullable: true),
                    affiliations = table.Column<List<string>>(type: "text[]", nullable: false),
                    entitlements = table.Column<List<string>>(type: "text[]", nullable: false),
                    platform_roles = table.Column<int>(type: "integer", nullable: false),
                    suspended = table.Column<bool>(type: "boolean", nullable: false),
                    suspended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    suspension_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_sign_in_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                    table.CheckConstraint("ck_users_suspension", "NOT suspended OR suspended_at IS NOT NULL");
                    table.ForeignKey(
                        name: "fk_users_institutions_institution_id",
                        column: x => x.institution_id,
                        principalTable: "institutions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "api_tokens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    scopes = table.Column<List<string>>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_tokens", x => x.id);
                    table.CheckConstraint("ck_api_token_expiry", "expires_at > created_at");
                    table.CheckConstraint("ck_api_token_hash", "octet_length(hash) = 32");
                    table.ForeignKey(
                        name: "fk_api_tokens_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "datasets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    terms_of_use = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    terms_version = table.Column<int>(type: "integer", nullable: false),
                    anonymization_profile = table.Column<string>(type: "jsonb", nullable: true),
                    profile_version = table.Column<int>(type: "integer", nullable: false),
                    default_k = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    withdrawn_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    withdrawal_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    columns = table.Column<string>(type: "jsonb", nullable: true),
                    connector = table.Column<string>(type: "jsonb", nullable: false),
                    data_use = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_datasets", x => x.id);
                    table.CheckConstraint("ck_dataset_k", "default_k >= 1");
                    table.CheckConstraint("ck_dataset_withdrawn", "status <> 'Withdrawn' OR withdrawn_at IS NOT NULL");
                    table.ForeignKey(
                        name: "fk_datasets_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "notifications",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    body = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    link = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    read_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    email_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    email_attempts = table.Column<int>(type: "integer", nullable: false),
                    email_next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    email_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    email_last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    erase_after_sending = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notifications", x => x.id);
                    table.CheckConstraint("ck_notification_recipient", "user_id IS NOT NULL OR email IS NOT NULL");
                    table.ForeignKey(
                        name: "fk_notifications_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

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
                name: "virtual_organizations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    join_policy = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    default_membership_days = table.Column<int>(type: "integer", nullable: true),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    archived_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_virtual_organizations", x => x.id);
                    table.CheckConstraint("ck_vo_membership_days", "default_membership_days IS NULL OR default_membership_days > 0");
                    table.ForeignKey(
                        name: "fk_virtual_organizations_users_created_by_id",
                        column: x => x.created_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "dataset_stewards",
                columns: table => new
                {
                    dataset_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    added_by_id = table.Column<Guid>(type: "uuid", nullable: false),
                    added_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dataset_stewards", x => new { x.dataset_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_dataset_stewards_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_dataset_stewards_users_added_by_id",
                        column: x => x.added_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_dataset_stewards_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "dataset_shares",
                columns: table => new
                {
                    dataset_id = table.Column<Guid>(type: "uuid", nullable: false),
                    vo_id = table.Column<Guid>(type: "uuid", nullable: false),
                    shared_by_id = table.Column<Guid>(type: "uuid", nullable: false),
                    shared_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dataset_shares", x => new { x.dataset_id, x.vo_id });
                    table.ForeignKey(
                        name: "fk_dataset_shares_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_dataset_shares_users_shared_by_id",
                        column: x => x.shared_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_dataset_shares_virtual_organizations_vo_id",
                        column: x => x.vo_id,
                        principalTable: "virtual_organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "invitations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    vo_id = table.Column<Guid>(type: "uuid", nullable: false),
                    invited_by_id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    membership_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    accepted_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invitations", x => x.id);
                    table.CheckConstraint("ck_invitation_accepted", "(accepted_at IS NULL) = (accepted_by_id IS NULL)");
                    table.CheckConstraint("ck_invitation_expiry", "expires_at > created_at");
                    table.CheckConstraint("ck_invitation_token", "octet_length(token_hash) = 32");
                    table.ForeignKey(
                        name: "fk_invitations_users_accepted_by_id",
                        column: x => x.accepted_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_invitations_users_invited_by_id",
                        column: x => x.invited_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_invitations_virtual_organizations_vo_id",
                        column: x => x.vo_id,
                        principalTable: "virtual_organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "memberships",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    vo_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    activated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    end_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    request_message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_memberships", x => x.id);
                    table.CheckConstraint("ck_membership_ended", "status IN ('Pending', 'Active') OR ended_at IS NOT NULL");
                    table.CheckConstraint("ck_membership_expiry", "expires_at IS NULL OR activated_at IS NULL OR expires_at > activated_at");
                    table.ForeignKey(
                        name: "fk_memberships_users_ended_by_id",
                        column: x => x.ended_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_memberships_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_memberships_virtual_organizations_vo_id",
                        column: x => x.vo_id,
                        principalTable: "virtual_organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "access_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    dataset_id = table.Column<Guid>(type: "uuid", nullable: false),
                    requester_id = table.Column<Guid>(type: "uuid", nullable: false),
                    vo_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    extends_grant_id = table.Column<Guid>(type: "uuid", nullable: true),
                    purpose_code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    purpose_disease = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    purpose_commercial = table.Column<bool>(type: "boolean", nullable: false),
                    purpose_description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ethics_reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    requested_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    requested_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    columns = table.Column<List<string>>(type: "text[]", nullable: true),
                    terms_accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    terms_version = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    decision_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    grant_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_access_requests", x => x.id);
                    table.CheckConstraint("ck_request_decided", "status IN ('Pending', 'Withdrawn') OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)");
                    table.CheckConstraint("ck_request_extension", "(kind = 'Extension') = (extends_grant_id IS NOT NULL)");
                    table.CheckConstraint("ck_request_period", "requested_until > requested_from");
                    table.ForeignKey(
                        name: "fk_access_requests_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_access_requests_users_decided_by_id",
                        column: x => x.decided_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_access_requests_users_requester_id",
                        column: x => x.requester_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_access_requests_virtual_organizations_vo_id",
                        column: x => x.vo_id,
                        principalTable: "virtual_organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "grants",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    dataset_id = table.Column<Guid>(type: "uuid", nullable: false),
                    grantee_kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    grantee_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    grantee_vo_id = table.Column<Guid>(type: "uuid", nullable: true),
                    grantee_role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    grantee_institution_id = table.Column<Guid>(type: "uuid", nullable: true),
                    columns = table.Column<List<string>>(type: "text[]", nullable: true),
                    profile_version = table.Column<int>(type: "integer", nullable: false),
                    k = table.Column<int>(type: "integer", nullable: false),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    revocation_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    purposes = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_grants", x => x.id);
                    table.CheckConstraint("ck_grant_grantee", "(grantee_kind = 'Person' AND grantee_user_id IS NOT NULL AND grantee_vo_id IS NULL AND grantee_role IS NULL AND grantee_institution_id IS NULL) OR (grantee_kind = 'Vo' AND grantee_user_id IS NULL AND grantee_vo_id IS NOT NULL AND grantee_role IS NULL AND grantee_institution_id IS NULL) OR (grantee_kind = 'VoRole' AND grantee_user_id IS NULL AND grantee_vo_id IS NOT NULL AND grantee_role IS NOT NULL AND grantee_institution_id IS NULL) OR (grantee_kind = 'VoInstitution' AND grantee_user_id IS NULL AND grantee_vo_id IS NOT NULL AND grantee_role IS NULL AND grantee_institution_id IS NOT NULL)");
                    table.CheckConstraint("ck_grant_k", "k >= 1");
                    table.CheckConstraint("ck_grant_period", "valid_until > valid_from");
                    table.CheckConstraint("ck_grant_revoked", "(revoked_at IS NULL) = (revoked_by_id IS NULL)");
                    table.ForeignKey(
                        name: "fk_grants_access_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "access_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_grants_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_grants_institutions_grantee_institution_id",
                        column: x => x.grantee_institution_id,
                        principalTable: "institutions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_grants_users_created_by_id",
                        column: x => x.created_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_grants_users_grantee_user_id",
                        column: x => x.grantee_user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_grants_users_revoked_by_id",
                        column: x => x.revoked_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_grants_virtual_organizations_grantee_vo_id",
                        column: x => x.grantee_vo_id,
                        principalTable: "virtual_organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "grant_reminders",
                columns: table => new
                {
                    grant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    days_before = table.Column<int>(type: "integer", nullable: false),
                    valid_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_grant_reminders", x => new { x.grant_id, x.days_before, x.valid_until });
                    table.ForeignKey(
                        name: "fk_grant_reminders_grants_grant_id",
                        column: x => x.grant_id,
                        principalTable: "grants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_access_requests_dataset_id_status",
                table: "access_requests",
                columns: new[] { "dataset_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_access_requests_decided_by_id",
                table: "access_requests",
                column: "decided_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_access_requests_extends_grant_id",
                table: "access_requests",
                column: "extends_grant_id");

            migrationBuilder.CreateIndex(
                name: "ix_access_requests_grant_id",
                table: "access_requests",
                column: "grant_id");

            migrationBuilder.CreateIndex(
                name: "ix_access_requests_requester_id_status",
                table: "access_requests",
                columns: new[] { "requester_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_access_requests_vo_id",
                table: "access_requests",
                column: "vo_id");

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_hash",
                table: "api_tokens",
                column: "hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_user_id",
                table: "api_tokens",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_actor_user_id_occurred_at",
                table: "audit_events",
                columns: new[] { "actor_user_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_chain_seq",
                table: "audit_events",
                column: "chain_seq",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_dataset_id_occurred_at",
                table: "audit_events",
                columns: new[] { "dataset_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_occurred_at",
                table: "audit_events",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_type_occurred_at",
                table: "audit_events",
                columns: new[] { "type", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_vo_id_occurred_at",
                table: "audit_events",
                columns: new[] { "vo_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_dataset_shares_shared_by_id",
                table: "dataset_shares",
                column: "shared_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_dataset_shares_vo_id",
                table: "dataset_shares",
                column: "vo_id");

            migrationBuilder.CreateIndex(
                name: "ix_dataset_stewards_added_by_id",
                table: "dataset_stewards",
                column: "added_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_dataset_stewards_user_id",
                table: "dataset_stewards",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_datasets_owner_id",
                table: "datasets",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_datasets_owner_id_name",
                table: "datasets",
                columns: new[] { "owner_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_grants_created_by_id",
                table: "grants",
                column: "created_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_grants_dataset_id",
                table: "grants",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_grants_grantee_institution_id",
                table: "grants",
                column: "grantee_institution_id");

            migrationBuilder.CreateIndex(
                name: "ix_grants_grantee_user_id",
                table: "grants",
                column: "grantee_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_grants_grantee_vo_id",
                table: "grants",
                column: "grantee_vo_id");

            migrationBuilder.CreateIndex(
                name: "ix_grants_request_id",
                table: "grants",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "ix_grants_revoked_by_id",
                table: "grants",
                column: "revoked_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_grants_valid_until",
                table: "grants",
                column: "valid_until");

            migrationBuilder.CreateIndex(
                name: "ix_institutions_idp_entity_id",
                table: "institutions",
                column: "idp_entity_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invitations_accepted_by_id",
                table: "invitations",
                column: "accepted_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_invitations_invited_by_id",
                table: "invitations",
                column: "invited_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_invitations_token_hash",
                table: "invitations",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invitations_vo_id_email",
                table: "invitations",
                columns: new[] { "vo_id", "email" });

            migrationBuilder.CreateIndex(
                name: "ix_memberships_ended_by_id",
                table: "memberships",
                column: "ended_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_memberships_user_id",
                table: "memberships",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_memberships_vo_id_user_id",
                table: "memberships",
                columns: new[] { "vo_id", "user_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notifications_email_next_attempt_at",
                table: "notifications",
                column: "email_next_attempt_at",
                filter: "email_status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_user_id_created_at",
                table: "notifications",
                columns: new[] { "user_id", "created_at" });

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

            migrationBuilder.CreateIndex(
                name: "ix_saml_pending_sign_ins_expires_at",
                table: "saml_pending_sign_ins",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_saml_replay_expires_at",
                table: "saml_replay",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_users_institution_id",
                table: "users",
                column: "institution_id");

            migrationBuilder.CreateIndex(
                name: "ix_users_issuer_subject",
                table: "users",
                columns: new[] { "issuer", "subject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_virtual_organizations_created_by_id",
                table: "virtual_organizations",
                column: "created_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_virtual_organizations_name",
                table: "virtual_organizations",
                column: "name",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_access_requests_grants_extends_grant_id",
                table: "access_requests",
                column: "extends_grant_id",
                principalTable: "grants",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_access_requests_grants_grant_id",
                table: "access_requests",
                column: "grant_id",
                principalTable: "grants",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // Every change that can alter an access decision notifies 'policy_changes' on commit, whoever makes it
            // (the portal, an operator's SQL), so every portal instance updates its policy engine at once.
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_policy_change() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                  r record;
                  payload text;
                BEGIN
                  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
                  IF TG_TABLE_NAME = 'grants' THEN
                    payload := 'grant:' || r.id;
                  ELSIF TG_TABLE_NAME = 'datasets' THEN
                    payload := 'dataset:' || r.id;
                  ELSIF TG_TABLE_NAME IN ('dataset_stewards', 'dataset_shares') THEN
                    payload := 'dataset:' || r.dataset_id;
                  ELSIF TG_TABLE_NAME = 'users' THEN
                    payload := 'user:' || r.id;
                  ELSIF TG_TABLE_NAME = 'memberships' THEN
                    payload := 'membership:' || r.user_id || ':' || r.vo_id;
                  END IF;
                  PERFORM pg_notify('policy_changes', payload);
                  RETURN NULL;
                END
                $$;

                CREATE TRIGGER grants_policy_change AFTER INSERT OR UPDATE OR DELETE ON grants
                  FOR EACH ROW EXECUTE FUNCTION notify_policy_change();
                CREATE TRIGGER datasets_policy_change AFTER INSERT OR UPDATE OR DELETE ON datasets
                  FOR EACH ROW EXECUTE FUNCTION notify_policy_change();
                CREATE TRIGGER dataset_stewards_policy_change AFTER INSERT OR UPDATE OR DELETE ON dataset_stewards
                  FOR EACH ROW EXECUTE FUNCTION notify_policy_change();
                CREATE TRIGGER dataset_shares_policy_change AFTER INSERT OR UPDATE OR DELETE ON dataset_shares
                  FOR EACH ROW EXECUTE FUNCTION notify_policy_change();
                CREATE TRIGGER memberships_policy_change AFTER INSERT OR UPDATE OR DELETE ON memberships
                  FOR EACH ROW EXECUTE FUNCTION notify_policy_change();
                -- A sign-in updates last_sign_in_at; only what the engine reads is worth a notification.
                CREATE TRIGGER users_policy_change AFTER INSERT OR DELETE OR UPDATE OF suspended, institution_id ON users
                  FOR EACH ROW EXECUTE FUNCTION notify_policy_change();
                """);

            // The audit chain is built by the database, under one lock, whoever inserts: instances cannot fork it.
            migrationBuilder.Sql(Portal.Features.Audit.AuditChainSql.Install);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Portal.Features.Audit.AuditChainSql.Uninstall);
            migrationBuilder.Sql("""
                DROP TRIGGER users_policy_change ON users;
                DROP TRIGGER memberships_policy_change ON memberships;
                DROP TRIGGER dataset_shares_policy_change ON dataset_shares;
                DROP TRIGGER dataset_stewards_policy_change ON dataset_stewards;
                DROP TRIGGER datasets_policy_change ON datasets;
                DROP TRIGGER grants_policy_change ON grants;
                DROP FUNCTION notify_policy_change();
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_access_requests_datasets_dataset_id",
                table: "access_requests");

            migrationBuilder.DropForeignKey(
                name: "fk_grants_datasets_dataset_id",
                table: "grants");

            migrationBuilder.DropForeignKey(
                name: "fk_access_requests_grants_extends_grant_id",
                table: "access_requests");

            migrationBuilder.DropForeignKey(
                name: "fk_access_requests_grants_grant_id",
                table: "access_requests");

            migrationBuilder.DropTable(
                name: "api_tokens");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "dataset_shares");

            migrationBuilder.DropTable(
                name: "dataset_stewards");

            migrationBuilder.DropTable(
                name: "grant_reminders");

            migrationBuilder.DropTable(
                name: "invitations");

            migrationBuilder.DropTable(
                name: "memberships");

            migrationBuilder.DropTable(
                name: "notifications");

            migrationBuilder.DropTable(
                name: "portal_sessions");

            migrationBuilder.DropTable(
                name: "saml_pending_logouts");

            migrationBuilder.DropTable(
                name: "saml_pending_sign_ins");

            migrationBuilder.DropTable(
                name: "saml_replay");

            migrationBuilder.DropTable(
                name: "visa_signing_keys");

            migrationBuilder.DropTable(
                name: "datasets");

            migrationBuilder.DropTable(
                name: "grants");

            migrationBuilder.DropTable(
                name: "access_requests");

            migrationBuilder.DropTable(
                name: "virtual_organizations");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "institutions");
        }
    }
}
