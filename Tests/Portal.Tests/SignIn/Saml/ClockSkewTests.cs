using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>
/// The time rules at their exact edges: NotBefore ≤ now + skew and now − skew &lt; NotOnOrAfter, with the 2-minute
/// skew the checklist allows.
/// </summary>
public class ClockSkewTests
{
    private static readonly TimeSpan Skew = SamlServiceProviderOptions.MaxClockSkew;
    private static readonly DateTimeOffset Now = ResponseScenario.Now;
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    public static TheoryData<string, Action<ResponseScenario>, string?> Edges() => new()
    {
        { "NotBefore exactly now+skew", s => s.NotBefore = Now + Skew, null },
        { "NotBefore one second later", s => s.NotBefore = Now + Skew + Second, SamlReasons.NotYetValid },
        { "NotOnOrAfter one second after now-skew", s => s.NotOnOrAfter = Now - Skew + Second, null },
        { "NotOnOrAfter exactly now-skew", s => s.NotOnOrAfter = Now - Skew, SamlReasons.Expired },
        { "confirmation NotOnOrAfter one second after now-skew", s => s.ConfirmationNotOnOrAfter = Now - Skew + Second, null },
        { "confirmation NotOnOrAfter exactly now-skew", s => s.ConfirmationNotOnOrAfter = Now - Skew, SamlReasons.ConfirmationExpired },
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public async Task Time_edges(string name, Action<ResponseScenario> change, string? expectedFailure)
    {
        Assert.NotNull(name);
        var scenario = new ResponseScenario();
        change(scenario);
        var result = await scenario.ValidateAsync();
        Assert.Equal(expectedFailure, result.Failure?.Code);
    }

    [Fact]
    public async Task Clock_moving_past_the_window_turns_acceptance_into_expiry()
    {
        var scenario = new ResponseScenario();
        var posted = scenario.Build();
        var validator = scenario.CreateValidator();
        scenario.Clock.Advance(TimeSpan.FromMinutes(5) + Skew);
        var result = await validator.ValidateAsync(posted, scenario.RelayState, scenario.Pending);
        Assert.Equal(SamlReasons.ConfirmationExpired, result.Failure?.Code);
    }

    [Fact]
    public void Default_skew_is_within_the_checklist_bound()
    {
        var options = new ResponseScenario().SpOptions();
        Assert.True(options.ClockSkew <= TimeSpan.FromMinutes(2));
        options.Validate();
    }

    [Fact]
    public void Skew_above_two_minutes_is_a_configuration_error()
    {
        var options = new ResponseScenario().SpOptions() with { ClockSkew = TimeSpan.FromMinutes(3) };
        Assert.Throws<InvalidOperationException>(options.Validate);
    }
}
