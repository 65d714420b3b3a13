using Portal.Connectors.Anonymization;

namespace Portal.Connectors.Tests;

/// <summary>The contradiction table: each way a profile can disagree with the owner's classification, with its named error.</summary>
public sealed class ClassificationContractTests
{
    private static AnonymizationProfile Profile(string columns, string consent = "[]") => AnonymizationProfile.Parse($$"""
        { "formatVersion": 1, "name": "p", "version": 1, "k": 5, "consent": {{consent}}, "columns": [ {{columns}} ] }
        """);

    private static readonly Dictionary<string, OwnerClass> Owner = new()
    {
        ["mrn"] = OwnerClass.DirectIdentifier,
        ["age"] = OwnerClass.QuasiIdentifier,
        ["diagnosis"] = OwnerClass.Sensitive,
        ["note"] = OwnerClass.Other,
        ["consent"] = OwnerClass.Consent,
        ["fresh"] = OwnerClass.Unclassified,
    };

    private const string ConsentRule = """[ { "column": "consent", "purposes": ["HMB"] } ]""";

    [Theory]
    [InlineData("""{ "name": "mrn", "class": "sensitive", "transform": { "type": "keep" } }""", "mrn", ClassificationContract.ClassMismatch)]
    [InlineData("""{ "name": "age", "class": "sensitive", "transform": { "type": "keep" } }""", "age", ClassificationContract.ClassMismatch)]
    [InlineData("""{ "name": "diagnosis", "class": "quasiIdentifier", "transform": { "type": "keep" } }""", "diagnosis", ClassificationContract.ClassMismatch)]
    [InlineData("""{ "name": "note", "class": "sensitive", "transform": { "type": "keep" } }""", "note", ClassificationContract.ClassMismatch)]
    [InlineData("""{ "name": "consent", "class": "other", "transform": { "type": "keep" } }""", "consent", ClassificationContract.ConsentExported)]
    [InlineData("""{ "name": "consent", "class": "other", "transform": { "type": "drop" } }""", "consent", ClassificationContract.ClassMismatch)]
    [InlineData("""{ "name": "fresh", "class": "sensitive", "transform": { "type": "keep" } }""", "fresh", ClassificationContract.Unclassified)]
    [InlineData("""{ "name": "ghost", "class": "other", "transform": { "type": "keep" } }""", "ghost", ClassificationContract.UnknownColumn)]
    [InlineData("""{ "name": "age", "class": "quasiIdentifier", "transform": { "type": "noise", "bound": 2 } }""", "age", "profile.invalid")]
    public void Each_contradiction_is_named_for_its_column(string column, string name, string code)
    {
        if (code == "profile.invalid")
        {
            // A quasi-identifier with noise is already refused by the profile's own validation, before the contract.
            Assert.Throws<ProfileValidationException>(() => Profile(column, ConsentRule));
            return;
        }
        var violations = ClassificationContract.Check(Owner, Profile(column, ConsentRule));

        var violation = Assert.Single(violations);
        Assert.Equal((name, code), (violation.Column, violation.Code));
    }

    [Fact]
    public void A_consent_column_without_a_rule_and_a_rule_on_a_column_that_is_not_consent_are_refused()
    {
        var violations = ClassificationContract.Check(Owner,
            Profile("""{ "name": "note", "class": "other", "transform": { "type": "keep" } }""", """[ { "column": "note", "purposes": ["HMB"] } ]"""));

        Assert.Contains(violations, v => v is { Column: "consent", Code: ClassificationContract.ConsentUnused });
        Assert.Contains(violations, v => v is { Column: "note", Code: ClassificationContract.ConsentRuleNotConsent });
    }

    [Fact]
    public void An_agreeing_profile_passes_and_a_dropped_column_may_carry_any_class()
    {
        var profile = Profile("""
            { "name": "mrn", "class": "directIdentifier", "transform": { "type": "pseudonym" } },
            { "name": "age", "class": "quasiIdentifier", "transform": { "type": "ageBand", "width": 10 } },
            { "name": "diagnosis", "class": "sensitive", "transform": { "type": "keep" } },
            { "name": "note", "class": "sensitive", "transform": { "type": "drop" } },
            { "name": "consent", "class": "consent", "type": "boolean", "transform": { "type": "drop" } }
            """, ConsentRule);

        Assert.Empty(ClassificationContract.Check(Owner, profile));
    }

    [Fact]
    public void Unclassified_columns_are_undecided_while_setting_up_and_refused_once_complete()
    {
        var profile = Profile("""{ "name": "fresh", "class": "sensitive", "transform": { "type": "keep" } }""", ConsentRule);

        Assert.Empty(ClassificationContract.Check(Owner, profile, complete: false));
        Assert.Equal(ClassificationContract.Unclassified, Assert.Single(ClassificationContract.Check(Owner, profile, complete: true)).Code);
    }

    [Fact]
    public void The_demo_profile_agrees_with_the_demo_classification()
    {
        var demo = AnonymizationProfile.Parse(File.ReadAllText(Path.Combine(Support.RepoPaths.Root, "deploy", "demo", "patients-profile.json")));
        var owner = new Dictionary<string, OwnerClass>
        {
            ["patient_id"] = OwnerClass.DirectIdentifier,
            ["mrn"] = OwnerClass.DirectIdentifier,
            ["first_name"] = OwnerClass.DirectIdentifier,
            ["last_name"] = OwnerClass.DirectIdentifier,
            ["birth_date"] = OwnerClass.QuasiIdentifier,
            ["sex"] = OwnerClass.QuasiIdentifier,
            ["postcode"] = OwnerClass.QuasiIdentifier,
            ["admission_date"] = OwnerClass.QuasiIdentifier,
            ["diagnosis_code"] = OwnerClass.Sensitive,
            ["cd4_count"] = OwnerClass.Sensitive,
            ["viral_load"] = OwnerClass.Sensitive,
            ["research_consent"] = OwnerClass.Consent,
        };

        Assert.Empty(ClassificationContract.Check(owner, demo));
    }
}
