//! Values a user picks by name (output formats, citation styles). The library names each
//! value and says what it does; the command line turns them into options, so the library
//! needs no argument parser.

/// An enumeration whose values a user chooses by name.
pub trait Choice: Copy + Send + Sync + 'static {
    /// Every value, in the order the help lists them.
    const ALL: &'static [Self];
    /// The name a user types.
    fn name(self) -> &'static str;
    /// One line on what the value does (empty when the name says it all).
    fn help(self) -> &'static str {
        ""
    }
    /// The value of a name, if it is one.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == name)
    }
}
