"""Sandbox of Huế's shared digitisation platform (nền tảng số hóa dùng chung): catalogue, data, export API."""
