/* lammps-drift: does this LAMMPS match the one the styles were compiled for? Version and integer
   sizes, asked through LAMMPS' C library interface only (lammps_version, lammps_extract_setting), so
   the answer is safe to get from any LAMMPS, built however. Used by driftplugin.so's loader before
   it opens the styles (a LAMMPS with other sizes could not even open them: LAMMPS' C++ symbols are
   mangled with its tagint) and by drift_check_host (drift_styles.h). Header only. */
#ifndef LMP_DRIFT_HOST_CHECK_H
#define LMP_DRIFT_HOST_CHECK_H

#include "library.h"
#include "lmptype.h"

#include <string>

namespace LAMMPS_NS {

inline const char *drift_sizes_name(int tagint_size, int imageint_size, int bigint_size)
{
  if (bigint_size == 4) return "smallsmall";
  if (tagint_size == 8 && imageint_size == 8) return "bigbig";
  if (tagint_size == 4 && imageint_size == 4) return "smallbig";
  return "unknown";
}

inline const char *drift_sizes_name()
{
  return drift_sizes_name((int) sizeof(tagint), (int) sizeof(imageint), (int) sizeof(bigint));
}

// Empty when `lmp` is the LAMMPS version (LAMMPS_VERSION_NUMBER) and integer sizes these styles were
// built for; else what differs and what to change, beginning with `who`.
inline std::string drift_host_mismatch(void *lmp, const char *who)
{
  const int version = lammps_version(lmp);
  if (version != LAMMPS_VERSION_NUMBER)
    return std::string(who) + " was built against the sources of LAMMPS " + std::to_string(LAMMPS_VERSION_NUMBER) +
        ", this LAMMPS is " + std::to_string(version) + ": rebuild lammps-drift with -DLAMMPS_SOURCE_DIR=<the source "
        "tree this LAMMPS was built from> (README: 'Your own LAMMPS')";
  const int host_tagint = lammps_extract_setting(lmp, "tagint");
  const int host_imageint = lammps_extract_setting(lmp, "imageint");
  const int host_bigint = lammps_extract_setting(lmp, "bigint");
  if (host_tagint == (int) sizeof(tagint) && host_imageint == (int) sizeof(imageint) && host_bigint == (int) sizeof(bigint))
    return "";
  const std::string host = drift_sizes_name(host_tagint, host_imageint, host_bigint);
  return std::string(who) + " was built for LAMMPS_SIZES=" + drift_sizes_name() + " (tagint " +
      std::to_string(sizeof(tagint)) + " bytes, imageint " + std::to_string(sizeof(imageint)) +
      "), but this LAMMPS was built with LAMMPS_SIZES=" + host + " (tagint " + std::to_string(host_tagint) +
      " bytes, imageint " + std::to_string(host_imageint) + "): reconfigure lammps-drift with -DLAMMPS_SIZES=" + host +
      " and rebuild it";
}

}    // namespace LAMMPS_NS

#endif
