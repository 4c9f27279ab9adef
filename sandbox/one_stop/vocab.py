"""Vietnamese vocabulary for the sandbox (từ vựng): names, places, procedures, fields and agencies.

Plain data, hand-written from public sources (the national procedure catalogue's field names, the names of
Huế's departments, common Vietnamese family and given names). Weights are rough shares, not statistics:
they make the generated data look like the province's, nothing more.
"""

from __future__ import annotations

# Family names (họ) with rough national shares in per mille; Huế adds the royal-clan lineages
# Tôn Thất (men) and Tôn Nữ (women), handled by gender in sandbox.people.
FAMILY_NAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 60),
    ("Hoàng", 40),
    ("Phan", 45),
    ("Võ", 39),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 18),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Huỳnh", 12),
    ("Trương", 10),
    ("Đoàn", 9),
    ("Mai", 6),
    ("Lương", 5),
    ("Đinh", 6),
    ("Cao", 5),
    ("Châu", 4),
    ("Hà", 5),
    ("Thái", 3),
    ("Nguyễn Phước", 3),
)
ROYAL_FAMILY_MALE = "Tôn Thất"
ROYAL_FAMILY_FEMALE = "Tôn Nữ"
ROYAL_SHARE_PER_MILLE = 12  # Huế has many descendants of the Nguyễn royal clan

MIDDLE_NAMES_MALE: tuple[tuple[str, int], ...] = (
    ("Văn", 300),
    ("Đức", 80),
    ("Minh", 90),
    ("Quang", 70),
    ("Hữu", 70),
    ("Công", 50),
    ("Thanh", 50),
    ("Xuân", 40),
    ("Ngọc", 30),
    ("Đình", 50),
    ("Bá", 20),
    ("Trọng", 30),
    ("Anh", 30),
    ("Hoàng", 30),
    ("Tiến", 20),
    ("Gia", 20),
    ("Nhật", 20),
)
MIDDLE_NAMES_FEMALE: tuple[tuple[str, int], ...] = (
    ("Thị", 420),
    ("Ngọc", 70),
    ("Thu", 50),
    ("Thanh", 50),
    ("Minh", 40),
    ("Phương", 30),
    ("Hoài", 30),
    ("Bảo", 30),
    ("Khánh", 30),
    ("Diệu", 20),
    ("Mỹ", 30),
    ("Kim", 30),
    ("Quỳnh", 20),
    ("Hồng", 30),
)
GIVEN_NAMES_MALE: tuple[str, ...] = (
    "An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đông", "Đức", "Giang", "Hải", "Hiếu",
    "Hòa", "Hoàng", "Hùng", "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Minh",
    "Nam", "Nghĩa", "Nhân", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành",
    "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưng", "Lợi", "Thái", "Tín", "Trí",
)  # fmt: skip
GIVEN_NAMES_FEMALE: tuple[str, ...] = (
    "An", "Anh", "Ánh", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
    "Hồng", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhi",
    "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Thúy", "Trang", "Trâm",
    "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Diệu", "Hạ", "Khuê", "Ly", "Thơ",
)  # fmt: skip

# Mobile prefixes in use since the 2018 renumbering (Viettel, Vinaphone, MobiFone, Vietnamobile, Gmobile).
MOBILE_PREFIXES: tuple[str, ...] = (
    "032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098",
    "081", "082", "083", "084", "085", "088", "091", "094",
    "070", "076", "077", "078", "079", "089", "090", "093",
    "052", "056", "058", "059", "099",
)  # fmt: skip
EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hue.gov.vn",
)

# Birth-registration province codes (3 digits, pre-2025) for people not born in Huế: neighbours first.
OTHER_BIRTH_PROVINCES: tuple[tuple[str, int], ...] = (
    ("045", 25),  # Quảng Trị
    ("048", 20),  # Đà Nẵng
    ("049", 15),  # Quảng Nam
    ("044", 10),  # Quảng Bình
    ("051", 6),  # Quảng Ngãi
    ("042", 5),  # Hà Tĩnh
    ("040", 5),  # Nghệ An
    ("001", 5),  # Hà Nội
    ("079", 5),  # Hồ Chí Minh
    ("038", 4),  # Thanh Hóa
)

ETHNICITIES_MINORITY = ("Tà Ôi", "Cơ Tu", "Pa Kô", "Bru - Vân Kiều")  # A Lưới, Nam Đông
RELIGIONS: tuple[tuple[str, int], ...] = (
    ("Không", 700),
    ("Phật giáo", 230),
    ("Công giáo", 55),
    ("Tin lành", 10),
    ("Cao Đài", 5),
)
BLOOD_GROUPS: tuple[tuple[str, int], ...] = (("O", 42), ("B", 30), ("A", 21), ("AB", 7))

# Street names of Huế's wards, and village words for rural communes (thôn, xóm, tổ dân phố).
STREETS: tuple[str, ...] = (
    "Lê Lợi", "Hùng Vương", "Trần Hưng Đạo", "Nguyễn Huệ", "Hà Nội", "Bà Triệu", "Phan Đình Phùng",
    "Điện Biên Phủ", "Nguyễn Sinh Cung", "Lê Duẩn", "Đống Đa", "Nguyễn Trãi", "Chi Lăng", "Phạm Văn Đồng",
    "Tố Hữu", "An Dương Vương", "Trường Chinh", "Nguyễn Tri Phương", "Mai Thúc Loan", "Đinh Tiên Hoàng",
    "Lý Thường Kiệt", "Ngô Quyền", "Phan Bội Châu", "Nguyễn Lộ Trạch", "Bùi Thị Xuân", "Kim Long",
)  # fmt: skip
VILLAGES: tuple[str, ...] = (
    "An Lưu", "Phú Ốc", "La Chữ", "Vân Trình", "Lại Thế", "Thanh Phước", "Dương Nỗ", "Mỹ Lợi",
    "Thủy Tú", "Lương Viện", "Hà Trung", "Phước Tích", "An Truyền", "Thế Lại", "Bao La", "Hòa Đa",
)  # fmt: skip

# ---------------------------------------------------------------------------------------------------------
# Procedures (thủ tục hành chính), fields (lĩnh vực) and agencies (cơ quan)
# ---------------------------------------------------------------------------------------------------------

# Fields with the objects their procedures act on (đối tượng của thủ tục). Procedure names are
# "<action> <object>" (e.g. "Cấp lại giấy phép lái xe"), plus the real names below where they exist.
FIELD_OBJECTS: dict[str, tuple[str, ...]] = {
    "Hộ tịch": ("khai sinh", "kết hôn", "khai tử", "giám hộ", "nhận cha, mẹ, con", "thay đổi, cải chính hộ tịch"),
    "Chứng thực": ("bản sao từ bản chính", "chữ ký", "hợp đồng, giao dịch", "chữ ký người dịch"),
    "Lý lịch tư pháp": ("phiếu lý lịch tư pháp", "phiếu lý lịch tư pháp số 2"),
    "Công chứng": ("thẻ công chứng viên", "văn phòng công chứng", "hành nghề công chứng"),
    "Luật sư": ("giấy đăng ký hoạt động tổ chức hành nghề luật sư", "chi nhánh tổ chức hành nghề luật sư"),
    "Thành lập và hoạt động của doanh nghiệp": (
        "doanh nghiệp tư nhân", "công ty trách nhiệm hữu hạn một thành viên", "công ty cổ phần",
        "chi nhánh, văn phòng đại diện", "thay đổi nội dung đăng ký doanh nghiệp", "tạm ngừng kinh doanh"),
    "Đầu tư tại Việt Nam": ("chủ trương đầu tư", "giấy chứng nhận đăng ký đầu tư", "dự án đầu tư"),
    "Đất đai": ("giấy chứng nhận quyền sử dụng đất", "chuyển mục đích sử dụng đất", "đăng ký biến động đất đai",
                "tách thửa, hợp thửa đất", "giao đất, cho thuê đất"),
    "Môi trường": ("giấy phép môi trường", "báo cáo đánh giá tác động môi trường", "kế hoạch bảo vệ môi trường"),
    "Tài nguyên nước": ("giấy phép khai thác nước dưới đất", "giấy phép xả nước thải vào nguồn nước"),
    "Khoáng sản": ("giấy phép thăm dò khoáng sản", "giấy phép khai thác khoáng sản"),
    "Hoạt động xây dựng": ("giấy phép xây dựng", "chứng chỉ hành nghề hoạt động xây dựng", "thiết kế xây dựng"),
    "Nhà ở": ("nhà ở xã hội", "công nhận chủ đầu tư dự án nhà ở"),
    "Đường bộ": ("giấy phép lái xe", "giấy phép kinh doanh vận tải bằng xe ô tô", "phù hiệu xe ô tô",
                 "giấy phép lưu hành xe quá tải trọng"),
    "Đường thủy nội địa": ("đăng ký phương tiện thủy nội địa", "bến thủy nội địa"),
    "Người có công": ("trợ cấp người có công", "giấy chứng nhận thương binh", "trợ cấp mai táng"),
    "Bảo trợ xã hội": ("trợ cấp xã hội hằng tháng", "hỗ trợ kinh phí chăm sóc", "cơ sở trợ giúp xã hội"),
    "Việc làm": ("trợ cấp thất nghiệp", "giấy phép lao động cho người nước ngoài", "dịch vụ việc làm"),
    "Giáo dục nghề nghiệp": ("cơ sở giáo dục nghề nghiệp", "hoạt động giáo dục nghề nghiệp"),
    "Khám bệnh, chữa bệnh": ("chứng chỉ hành nghề khám bệnh, chữa bệnh", "giấy phép hoạt động phòng khám"),
    "Dược phẩm": ("chứng chỉ hành nghề dược", "giấy chứng nhận đủ điều kiện kinh doanh dược"),
    "An toàn thực phẩm": ("giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "bản tự công bố sản phẩm"),
    "Giáo dục và Đào tạo": ("trường mầm non", "trường tiểu học", "văn bằng, chứng chỉ", "hoạt động giáo dục"),
    "Lưu thông hàng hóa trong nước": ("giấy phép bán lẻ rượu", "giấy phép bán lẻ sản phẩm thuốc lá",
                                      "cửa hàng xăng dầu"),
    "Điện": ("giấy phép hoạt động điện lực", "thẻ an toàn điện"),
    "Báo chí": ("giấy phép xuất bản bản tin", "giấy phép hoạt động báo chí"),
    "Xuất bản, In và Phát hành": ("giấy phép hoạt động in", "giấy xác nhận đăng ký hoạt động phát hành"),
    "Bưu chính": ("giấy phép bưu chính", "văn bản xác nhận thông báo hoạt động bưu chính"),
    "Văn hóa": ("giấy phép tổ chức lễ hội", "giấy phép kinh doanh karaoke", "biểu diễn nghệ thuật"),
    "Thể dục thể thao": ("giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", "câu lạc bộ thể thao"),
    "Di sản văn hóa": ("giấy phép khai quật khảo cổ", "tu bổ, phục hồi di tích"),
    "Lữ hành": ("giấy phép kinh doanh dịch vụ lữ hành nội địa", "thẻ hướng dẫn viên du lịch"),
    "Du lịch": ("cơ sở lưu trú du lịch", "điểm du lịch"),
    "Thú y": ("giấy chứng nhận kiểm dịch động vật", "chứng chỉ hành nghề thú y"),
    "Trồng trọt": ("giấy chứng nhận cây đầu dòng", "quyết định công nhận vườn cây đầu dòng"),
    "Lâm nghiệp": ("phương án khai thác lâm sản", "giấy phép chuyển mục đích sử dụng rừng"),
    "Thủy sản": ("giấy phép khai thác thủy sản", "đăng ký tàu cá"),
    "Thi đua - Khen thưởng": ("bằng khen", "danh hiệu chiến sĩ thi đua", "giấy khen"),
    "Tôn giáo": ("đăng ký hoạt động tín ngưỡng", "sinh hoạt tôn giáo tập trung"),
    "Công chức, viên chức": ("thi tuyển công chức", "xét tuyển viên chức"),
    "Sở hữu trí tuệ": ("chỉ dẫn địa lý", "giám định sở hữu công nghiệp"),
    "Hoạt động khoa học và công nghệ": ("giấy chứng nhận doanh nghiệp khoa học và công nghệ",
                                        "tổ chức khoa học và công nghệ"),
    "Quản lý giá": ("phương án giá", "kê khai giá"),
    "Quản lý công sản": ("tài sản công", "mua sắm tài sản công"),
    "Quản lý khu kinh tế": ("giấy phép lao động trong khu kinh tế", "giấy xác nhận ưu đãi đầu tư"),
    "Ngoại vụ": ("hội nghị, hội thảo quốc tế", "đoàn ra, đoàn vào"),
    "Thành lập và hoạt động của hộ kinh doanh": ("hộ kinh doanh", "thay đổi nội dung đăng ký hộ kinh doanh"),
    "Nuôi con nuôi": ("nuôi con nuôi trong nước",),
    "Hòa giải ở cơ sở": ("hòa giải viên", "tổ hòa giải"),
    "Đăng ký, quản lý cư trú": ("thường trú", "tạm trú", "lưu trú"),
    "Quản lý thuế": ("mã số thuế", "hoàn thuế", "miễn, giảm thuế"),
    "Thu bảo hiểm xã hội, bảo hiểm y tế": ("sổ bảo hiểm xã hội", "thẻ bảo hiểm y tế"),
}  # fmt: skip

ACTIONS: tuple[str, ...] = (
    "Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Thu hồi", "Đăng ký", "Xác nhận", "Thẩm định",
    "Công nhận", "Phê duyệt", "Cấp bản sao", "Chấm dứt", "Thông báo", "Đề nghị hỗ trợ",
)  # fmt: skip

# Province departments (sở, ban, ngành) with their fields; identifier 000.00.NN.H57 from the number.
DEPARTMENTS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (1, "Văn phòng Ủy ban nhân dân tỉnh", ("Thi đua - Khen thưởng",)),
    (2, "Sở Nội vụ", ("Công chức, viên chức", "Tôn giáo")),
    (3, "Sở Tư pháp", ("Lý lịch tư pháp", "Công chứng", "Luật sư", "Hộ tịch")),
    (4, "Sở Kế hoạch và Đầu tư", ("Thành lập và hoạt động của doanh nghiệp", "Đầu tư tại Việt Nam")),
    (5, "Sở Tài chính", ("Quản lý giá", "Quản lý công sản")),
    (6, "Sở Công Thương", ("Lưu thông hàng hóa trong nước", "Điện", "An toàn thực phẩm")),
    (7, "Sở Nông nghiệp và Phát triển nông thôn", ("Thú y", "Trồng trọt", "Lâm nghiệp", "Thủy sản")),
    (8, "Sở Giao thông vận tải", ("Đường bộ", "Đường thủy nội địa")),
    (9, "Sở Xây dựng", ("Hoạt động xây dựng", "Nhà ở")),
    (10, "Sở Tài nguyên và Môi trường", ("Đất đai", "Môi trường", "Tài nguyên nước", "Khoáng sản")),
    (11, "Sở Thông tin và Truyền thông", ("Báo chí", "Xuất bản, In và Phát hành", "Bưu chính")),
    (12, "Sở Lao động - Thương binh và Xã hội", ("Người có công", "Bảo trợ xã hội", "Việc làm",
                                                "Giáo dục nghề nghiệp")),
    (13, "Sở Văn hóa và Thể thao", ("Văn hóa", "Thể dục thể thao", "Di sản văn hóa")),
    (14, "Sở Du lịch", ("Lữ hành", "Du lịch")),
    (15, "Sở Khoa học và Công nghệ", ("Sở hữu trí tuệ", "Hoạt động khoa học và công nghệ")),
    (16, "Sở Giáo dục và Đào tạo", ("Giáo dục và Đào tạo",)),
    (17, "Sở Y tế", ("Khám bệnh, chữa bệnh", "Dược phẩm")),
    (18, "Sở Ngoại vụ", ("Ngoại vụ",)),
    (19, "Ban Quản lý Khu kinh tế, công nghiệp tỉnh", ("Quản lý khu kinh tế",)),
)  # fmt: skip
PROVINCE_COMMITTEE = "Ủy ban nhân dân tỉnh Thừa Thiên Huế"

DISTRICT_FIELDS: tuple[str, ...] = (
    "Hộ tịch", "Chứng thực", "Đất đai", "Hoạt động xây dựng", "Thành lập và hoạt động của hộ kinh doanh",
    "Bảo trợ xã hội", "Người có công", "Giáo dục và Đào tạo", "Lưu thông hàng hóa trong nước", "Văn hóa",
    "Môi trường", "Thi đua - Khen thưởng", "Tôn giáo", "An toàn thực phẩm", "Trồng trọt",
)  # fmt: skip
# Vertical sectors received at district one-stop centres (police, tax, social insurance): the "+40".
VERTICAL_FIELDS: tuple[str, ...] = (
    "Đăng ký, quản lý cư trú",
    "Quản lý thuế",
    "Thu bảo hiểm xã hội, bảo hiểm y tế",
)
COMMUNE_FIELDS: tuple[str, ...] = (
    "Hộ tịch", "Chứng thực", "Bảo trợ xã hội", "Người có công", "Đất đai", "Thi đua - Khen thưởng", "Tôn giáo",
    "Nuôi con nuôi", "Văn hóa", "Hòa giải ở cơ sở",
)  # fmt: skip

FEES_VND: tuple[int, ...] = (10_000, 20_000, 30_000, 50_000, 100_000, 150_000, 200_000, 500_000, 1_000_000)

ORG_KINDS: tuple[str, ...] = ("Công ty TNHH", "Công ty Cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân")
ORG_WORDS: tuple[str, ...] = (
    "Hương Giang", "Phú Xuân", "Bạch Mã", "An Cựu", "Thiên Mụ", "Ngự Bình", "Kim Long", "Sông Hương",
    "Đông Ba", "Thuận An", "Lăng Cô", "Tam Giang", "Vỹ Dạ", "Chân Mây", "Thanh Tân", "Cồn Hến",
)  # fmt: skip
ORG_TRADES: tuple[str, ...] = (
    "Xây dựng", "Thương mại và Dịch vụ", "Du lịch", "Vận tải", "Thực phẩm", "Công nghệ", "Nông sản", "May mặc",
)  # fmt: skip

OFFICER_TITLES = {
    1: ("Chuyên viên", "Trưởng phòng", "Phó Giám đốc", "Giám đốc"),
    2: ("Chuyên viên", "Trưởng phòng", "Phó Chủ tịch UBND", "Chủ tịch UBND"),
    3: ("Công chức Tư pháp - Hộ tịch", "Công chức Địa chính", "Phó Chủ tịch UBND", "Chủ tịch UBND"),
}
DESKS = {1: "Trung tâm Phục vụ hành chính công tỉnh", 2: "Trung tâm Hành chính công", 3: "Bộ phận Một cửa"}
SUBMITTED_DOCUMENTS: tuple[str, ...] = (
    "Tờ khai", "Bản sao Căn cước công dân", "Đơn đề nghị", "Giấy tờ chứng minh nơi cư trú", "Bản vẽ",
    "Hợp đồng", "Giấy ủy quyền", "Ảnh chân dung",
)  # fmt: skip
SUPPLEMENT_REASONS: tuple[str, ...] = (
    "Bổ sung bản sao giấy tờ tùy thân", "Bổ sung chữ ký", "Bổ sung bản vẽ hiện trạng", "Điều chỉnh tờ khai",
)  # fmt: skip
