using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <summary>
    /// Every change that can alter an access decision notifies 'policy_changes' on commit, whoever makes it
    /// (the portal, an operator's SQL), so every portal instance updates its policy engine at once.
    /// </summary>
    public partial class PolicyChangeNotifications : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER users_policy_change ON users;
                DROP TRIGGER memberships_policy_change ON memberships;
                DROP TRIGGER dataset_shares_policy_change ON dataset_shares;
                DROP TRIGGER dataset_stewards_policy_change ON dataset_stewards;
                DROP TRIGGER datasets_policy_change ON datasets;
                DROP TRIGGER grants_policy_change ON grants;
                DROP FUNCTION notify_policy_change();
                """);
        }
    }
}
