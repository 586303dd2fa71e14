//! Which zone names a calendar (or a workshop) may be in: a named zone of the tz database that
//! means the same on every computer. `localtime` (a link to whatever zone the machine is set
//! to), `posixrules`, `Factory` and the `posix/` and `right/` copies of the database are zones
//! a lookup finds on some machines, but they say nothing another calendar can follow.

/// Whether `name` is a zone name every calendar client reads the same way.
pub fn is_portable(name: &str) -> bool {
    let name = name.trim();
    let machine_dependent = name.eq_ignore_ascii_case("localtime")
        || name.eq_ignore_ascii_case("posixrules")
        || name.eq_ignore_ascii_case("factory")
        || ["posix/", "right/", "/"]
            .iter()
            .any(|p| name.to_ascii_lowercase().starts_with(p));
    !name.is_empty() && !machine_dependent && jiff::tz::db().get(name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_zones_are_portable_and_the_machine_s_own_are_not() {
        for ok in ["Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC"] {
            assert!(is_portable(ok), "{ok}");
        }
        for bad in [
            "localtime",
            "/etc/localtime",
            "posix/Europe/Berlin",
            "Factory",
            "",
            "Mars/Base",
        ] {
            assert!(!is_portable(bad), "{bad}");
        }
    }
}
