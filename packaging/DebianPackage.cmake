# The Debian package: `cpack -G DEB` in the build folder (or the `package`
# target). What goes where, the maintainer scripts and why they keep data:
# docs/packaging.md.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME paminna)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "paminna maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SMS reminders, callback deadlines and phone hours for a victim-support office")
# The long description; CPack puts the summary above it as the synopsis line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "paminnad records clients' consent to SMS and their bookings, sends the
day-before SMS reminder through an HTTP SMS gateway, keeps the 24-hour
callback deadline for every voicemail and publishes the office's phone hours.
Staff use paminnactl over a local socket; operations read the journal.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The paths the units and the default configuration name.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

# Runtime libraries come from dpkg-shlibdeps; local time needs the tz database.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tzdata")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
# Stripped binaries: RelWithDebInfo's symbols would make the package ten times larger.
set(CPACK_STRIP_FILES ON)

set(debian ${CMAKE_CURRENT_SOURCE_DIR}/debian)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${debian}/conffiles ${debian}/postinst ${debian}/prerm ${debian}/postrm)
# Scripts 0755, conffiles 0644, whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
