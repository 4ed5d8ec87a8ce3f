using Takedown.Api.Infrastructure;

namespace Takedown.Api.Tests.Security;

/// <summary>What the API and the portal's forms take as an e-mail address: one bare address, RFC 5322, with a dot.</summary>
public class EmailInputTests
{
    [Theory]
    [InlineData("anna@slachtoffer.example")]
    [InlineData("Anna.de.Vries+takedown@mail.example.nl")]
    [InlineData("  privacy@voorbeeld.example  ")]
    public void Given_a_bare_address_Then_it_is_an_email(string value) => Input.IsEmail(value).ShouldBeTrue();

    [Theory]
    [InlineData("")]
    [InlineData("anna")]
    [InlineData("anna@")]
    [InlineData("@slachtoffer.example")]
    [InlineData("anna@localhost")]
    [InlineData("anna@@slachtoffer.example")]
    [InlineData("anna @slachtoffer.example")]
    [InlineData("Anna <anna@slachtoffer.example>")]
    [InlineData("<anna@slachtoffer.example>")]
    [InlineData("anna@slachtoffer.example, bob@slachtoffer.example")]
    [InlineData("anna@slachtoffer.example\r\nBcc: bob@slachtoffer.example")]
    [InlineData("anna@slachtoffer.example (Anna)")]
    public void Given_anything_else_Then_it_is_not(string value) => Input.IsEmail(value).ShouldBeFalse();
}
