using Portal.Drills;

// Failure drills against running portal processes; deploy/drill.sh starts the processes and calls one drill at a time.
// Each drill prints its measurements, then one line "ROW<TAB>id<TAB>PASS|FAIL<TAB>measured<TAB>detail" for the table.
var options = Options.Parse(args.Skip(1));
var drill = args.FirstOrDefault();
try
{
    return drill switch
    {
        "signin" => await SignInDrill.RunAsync(options),
        "revoke" => await RevocationDrill.RunAsync(options),
        "instance-kill" => await InstanceKillDrill.RunAsync(options),
        "db-restart" => await DatabaseRestartDrill.RunAsync(options),
        "token" => await ApiTokens.RunAsync(options),
        _ => Usage(),
    };
}
catch (DrillException e)
{
    Console.Error.WriteLine($"drill {drill}: {e.Message}");
    Row.Print(drill ?? "?", false, "-", e.Message);
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Drills signin|revoke|instance-kill|db-restart|token --option value …  (see deploy/drill.sh, deploy/bench/api.sh)");
    return 2;
}
